using MudBlazor;

namespace BounceAdmin.Components.Layout;

public static class BounceAdminTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#1f5fa8", Secondary = "#b4521f", AppbarBackground = "#173f6e" },
        PaletteDark = new PaletteDark { Primary = "#7fb2ec", Secondary = "#f0a070" },
    };
}
