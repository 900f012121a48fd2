using BounceAdmin.Features.People;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace BounceAdmin.Tests.Features.People;

/// <summary>
/// The person page's history tabs: a slow load for a person no longer shown must not replace the rows of the person
/// shown now, and a re-render of the same person (the page re-renders its tabs after every change) must not load, and
/// so append, the same rows again. The older load is held at its database context.
/// </summary>
public sealed class PersonTabsStaleLoadTests : HeldLoadsTestBase
{
    private (int One, int Two, int Three) Seed()
    {
        using var db = Db.NewContext();
        var email = db.AddEmail("Weekly");
        var people = new[] { "one@example.com", "two@example.com", "three@example.com" }.Select(e => db.AddPerson(e)).ToArray();
        for (var i = 0; i < people.Length; i++)
        {
            // One send for the first person, two for the second, three for the third: the row count says whose rows show.
            for (var s = 0; s <= i; s++)
            {
                db.AddSend(email, people[i], TestData.Now.AddDays(-s));
            }
        }

        return (people[0].Id, people[1].Id, people[2].Id);
    }

    private static Task SetPersonAsync<T>(IRenderedComponent<T> cut, int id) where T : IComponent
        => cut.InvokeAsync(() => cut.Instance.SetParametersAsync(
            ParameterView.FromDictionary(new Dictionary<string, object?> { ["PersonId"] = id })));

    private static int ActivityRows(IRenderedComponent<PersonActivityTab> cut)
        => cut.FindAll("[data-testid=activity-table] tbody tr").Count;

    [Fact]
    public async Task Activity_ASlowLoadForAnEarlierPersonDoesNotReplaceTheCurrentOne()
    {
        SignInAs(Roles.Marketer);
        var (one, two, three) = Seed();
        var cut = Ctx.Render<PersonActivityTab>(p => p.Add(x => x.PersonId, one));
        cut.WaitForAssertion(() => Assert.Equal(1, ActivityRows(cut)));

        await OverlapAsync(() => SetPersonAsync(cut, two), () => SetPersonAsync(cut, three));

        Assert.Equal(3, ActivityRows(cut));
    }

    [Fact]
    public async Task Activity_ReRenderingTheSamePersonWhileALoadIsSlowDoesNotRepeatRows()
    {
        SignInAs(Roles.Marketer);
        var (_, two, _) = Seed();
        var cut = Ctx.Render<PersonActivityTab>(p => p.Add(x => x.PersonId, two));
        cut.WaitForAssertion(() => Assert.Equal(2, ActivityRows(cut)));

        var hold = Loads.HoldNext();
        var first = SetPersonAsync(cut, two);
        var second = SetPersonAsync(cut, two);
        hold.Release();
        await Task.WhenAll(first, second).WaitAsync(Timeout);

        Assert.Equal(2, ActivityRows(cut));
    }

    [Fact]
    public async Task Bounces_ASlowLoadForAnEarlierPersonDoesNotReplaceTheCurrentOne()
    {
        SignInAs(Roles.Marketer);
        var (one, two, three) = Seed();
        using (var db = Db.NewContext())
        {
            db.BounceEvents.Add(new BounceAdmin.Data.Entities.BounceEvent
            {
                PersonId = two, Recipient = "two@example.com", RecipientDomain = "example.com", Category = 2, Reason = "userunknown",
                Kind = BounceAdmin.Data.Entities.BounceKind.Hard, Source = "test", DedupKey = "two", OccurredAt = TestData.Now,
                ReceivedAt = TestData.Now, Diagnostic = "550 5.1.1 no such user two",
            });
            db.SaveChanges();
        }

        var cut = Ctx.Render<PersonBouncesTab>(p => p.Add(x => x.PersonId, one));
        cut.WaitForElement("[data-testid=bounces-empty]");

        await OverlapAsync(() => SetPersonAsync(cut, two), () => SetPersonAsync(cut, three));

        Assert.NotEmpty(cut.FindAll("[data-testid=bounces-empty]"));
        Assert.DoesNotContain("no such user two", cut.Markup, StringComparison.Ordinal);
    }
}
