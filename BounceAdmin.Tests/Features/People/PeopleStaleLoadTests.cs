using BounceAdmin.Features.People;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BounceAdmin.Tests.Features.People;

/// <summary>
/// A slow older load must not land after a newer one: the People list and the person page show what was asked for
/// last. The older load is held at its database context until the newer one has been asked for.
/// </summary>
public sealed class PeopleStaleLoadTests : HeldLoadsTestBase
{
    private (int Ann, int Bad, int Sus) Seed()
    {
        using var db = Db.NewContext();
        var ann = db.AddPerson("ann@example.com", p => p.LastName = "Smith");
        var bad = db.AddPerson("bad@example.com", p => { p.EmailInvalid = true; p.LastName = "Bad"; });
        var sus = db.AddPerson("sus@other.org", p => { p.EmailSuspended = true; p.EmailSuspendedAt = TestData.Now.AddHours(-3); p.LastName = "Sus"; });
        return (ann.Id, bad.Id, sus.Id);
    }

    private static List<string> GridEmails(IRenderedComponent<PeoplePage> cut)
        => cut.FindAll("[data-testid=person-link]").Select(a => a.TextContent.Trim()).ToList();

    [Fact]
    public async Task TheLastChosenStatusWinsWhenTheEarlierLoadIsSlower()
    {
        SignInAs(Roles.Marketer);
        Seed();
        var cut = Ctx.Render<PeoplePage>();
        cut.WaitForAssertion(() => Assert.Equal(3, GridEmails(cut).Count));
        var status = cut.FindComponent<MudSelect<string>>();

        await OverlapAsync(() => cut.InvokeAsync(() => status.Instance.ValueChanged.InvokeAsync(PeopleQuery.StatusToQuery(PeopleStatusFilter.Invalid))), () => cut.InvokeAsync(() => status.Instance.ValueChanged.InvokeAsync(PeopleQuery.StatusToQuery(PeopleStatusFilter.Suspended))));

        // Both loads have finished and been shown: what is on screen now is what stays.
        Assert.Equal(["sus@other.org"], GridEmails(cut));
        Assert.Contains("status=suspended", Ctx.Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task ThePersonLastAskedForWinsWhenTheEarlierLoadIsSlower()
    {
        SignInAs(Roles.Marketer);
        var (ann, bad, sus) = Seed();
        var cut = Ctx.Render<PersonDetailsPage>(p => p.Add(x => x.Id, ann));
        cut.WaitForAssertion(() => Assert.Contains("ann@example.com", cut.Find("[data-testid=person-header]").TextContent));

        await OverlapAsync(() => SetIdAsync(cut, bad), () => SetIdAsync(cut, sus));

        Assert.Contains("sus@other.org", cut.Find("[data-testid=person-header]").TextContent);
        Assert.Equal(sus, cut.Instance.Person?.Id);
    }

    [Fact]
    public async Task GoingBackToTheFirstPersonWhileTheNextOneLoadsShowsTheFirst()
    {
        SignInAs(Roles.Marketer);
        var (ann, bad, _) = Seed();
        var cut = Ctx.Render<PersonDetailsPage>(p => p.Add(x => x.Id, ann));
        cut.WaitForAssertion(() => Assert.Contains("ann@example.com", cut.Find("[data-testid=person-header]").TextContent));

        // Forward to another person, then Back before that load is done: the page must not keep the one it was loading.
        await OverlapAsync(() => SetIdAsync(cut, bad), () => SetIdAsync(cut, ann));

        Assert.Contains("ann@example.com", cut.Find("[data-testid=person-header]").TextContent);
    }

    // What the router does on Back/Forward between two people: the same page instance gets a new Id.
    private static Task SetIdAsync(IRenderedComponent<PersonDetailsPage> cut, int id)
        => cut.InvokeAsync(() => cut.Instance.SetParametersAsync(
            ParameterView.FromDictionary(new Dictionary<string, object?> { [nameof(PersonDetailsPage.Id)] = id })));
}
