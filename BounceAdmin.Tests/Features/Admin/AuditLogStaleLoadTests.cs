using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Admin;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Bunit;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace BounceAdmin.Tests.Features.Admin;

/// <summary>
/// The audit grid shows the search asked for last even when the search before is slower (held at its database
/// context). MudDataGrid 9 drops a superseded load's rows itself; the page also runs its loads in order.
/// </summary>
public sealed class AuditLogStaleLoadTests : HeldLoadsTestBase
{
    public AuditLogStaleLoadTests() => SignInAs(Roles.Admin);

    private static List<string> Actors(IRenderedComponent<AuditLogPage> cut)
        => cut.FindAll("tbody tr.mud-table-row").Select(r => r.QuerySelectorAll("td")[2].TextContent.Trim()).ToList();

    [Fact]
    public async Task TheLastSearchWinsWhenTheEarlierSearchIsSlower()
    {
        using (var db = Db.NewContext())
        {
            var p = db.AddPerson("ada@alpha.example");
            db.AuditEntries.Add(new AuditEntry { PersonId = p.Id, At = TestData.Now, Actor = "bounce", Field = FieldLabels.EmailInvalid, OldValue = "false", NewValue = "true", Reason = "550 5.1.1" });
            db.AuditEntries.Add(new AuditEntry { PersonId = p.Id, At = TestData.Now.AddHours(-1), Actor = "bounce", Field = FieldLabels.EmailSuspended, OldValue = "false", NewValue = "true", Reason = "550 5.1.1" });
            db.AuditEntries.Add(new AuditEntry { PersonId = p.Id, At = TestData.Now.AddHours(1), Actor = "admin@test.local", Field = FieldLabels.EmailInvalid, OldValue = "true", NewValue = "false", Reason = "false positive" });
            db.SaveChanges();
        }

        var cut = Ctx.Render<AuditLogPage>();
        cut.WaitForAssertion(() => Assert.Equal(3, Actors(cut).Count));
        var actor = cut.FindComponents<MudTextField<string>>().Single(f => Equals(f.Instance.UserAttributes.GetValueOrDefault("data-testid"), "filter-actor"));
        var search = cut.FindComponents<MudButton>().Single(b => Equals(b.Instance.UserAttributes.GetValueOrDefault("data-testid"), "audit-search"));

        Task SearchForAsync(string who) => cut.InvokeAsync(async () =>
        {
            await actor.Instance.ValueChanged.InvokeAsync(who);
            await search.Instance.OnClick.InvokeAsync(new MouseEventArgs());
        });

        await OverlapAsync(() => SearchForAsync("bounce"), () => SearchForAsync("admin@"));

        Assert.Equal(["admin@test.local"], Actors(cut));
    }
}
