using Microsoft.AspNetCore.Identity;

namespace BounceAdmin.Data;

/// <summary>A user of BounceAdmin (a Marketer, Manager or Admin).</summary>
public class ApplicationUser : IdentityUser
{
    /// <summary>The user's preferred theme, remembered across sessions.</summary>
    public bool PrefersDarkMode { get; set; }
}
