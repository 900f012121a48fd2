using BounceAdmin.Features.People;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Bunit;

namespace BounceAdmin.Tests.Features.Mailability;

/// <summary>The People page offers the suppression export to Managers and Admins only (the endpoint checks the role too).</summary>
public sealed class SuppressionExportButtonTests : BunitTestBase
{
    [Theory]
    [InlineData(Roles.Manager, true)]
    [InlineData(Roles.Admin, true)]
    [InlineData(Roles.Marketer, false)]
    public void TheExportButtonIsForManagersAndAdmins(string role, bool shown)
    {
        SignInAs(role);

        var cut = Ctx.Render<PeoplePage>();

        var buttons = cut.FindAll("[data-testid=people-export-suppressions]");
        Assert.Equal(shown, buttons.Count == 1);
        if (shown)
        {
            Assert.Equal("/exports/suppressions.csv", buttons[0].GetAttribute("href"));
            Assert.True(buttons[0].HasAttribute("download"));
        }
    }
}
