using BounceAdmin.Features.Bounces;
using BounceAdmin.Tests.TestInfrastructure;

namespace BounceAdmin.Tests.Features.Bounces.BounceQuery;

/// <summary>
/// A small set of bounces applied through the real rules service, one per case the filters and explanations must tell
/// apart. Keys are the dedup keys, so tests name the bounces they expect.
/// </summary>
internal static class BounceFixtures
{
    public const string Invalid = "k-invalid";
    public const string Blocked = "k-blocked";
    public const string MailboxFull = "k-full";
    public const string Network = "k-network";
    public const string Unmatched = "k-unmatched";
    public const string Vacation = "k-vacation";
    public const string FalsePositive = "k-fp";
    public const string OnHold = "k-onhold";

    public static readonly string[] All = [Invalid, Blocked, MailboxFull, Network, Unmatched, Vacation, FalsePositive, OnHold];

    public static readonly DateTime Now = TestData.Now;

    /// <summary>Adds four people, one email with sends, and applies the eight bounces; returns key → bounce event id.</summary>
    public static async Task<Dictionary<string, long>> SeedAsync(SqliteTestDatabase db, TimeProvider clock)
    {
        long invalidSend;
        await using (var ctx = db.NewContext())
        {
            var email = ctx.AddEmail("Newsletter — November");
            var alice = ctx.AddPerson("alice@gmail.com", p => { p.FirstName = "Alice"; p.LastName = "Adams"; });
            ctx.AddPerson("bob@yahoo.com");
            ctx.AddPerson("carol@contoso.com");
            ctx.AddPerson("dave@contoso.com");
            invalidSend = ctx.AddSend(email, alice, Now.AddDays(-10).AddMinutes(-1), "m1@mta.example").Id;
        }

        var rules = new BounceRulesService(db.Factory, clock, BounceAdmin.Identity.FixedCurrentUser.For("system:test", BounceAdmin.Identity.Roles.Admin));
        BounceInput[] inputs =
        [
            new("alice@gmail.com", "userunknown", Invalid, Now.AddDays(-10), "dsn", "5.1.1", 550,
                "550 5.1.1 <alice@gmail.com>: Recipient address rejected: User unknown in virtual mailbox table", "gmail-smtp-in.l.google.com",
                "status:5.1.1", "The enhanced status code 5.1.1 is mapped to userunknown.", SendId: invalidSend),
            new("bob@yahoo.com", "blocked", Blocked, Now.AddHours(-2), "webhook:ses", "5.7.1", 554,
                "554 5.7.1 Service unavailable; client host [192.0.2.25] blocked using zen.spamhaus.org", null,
                "text:blocked using", "The diagnostic contains \"blocked using\", which is mapped to blocked."),
            new("carol@contoso.com", "mailboxfull", MailboxFull, Now.AddDays(-5), "upload", "5.2.2", 552, "552 5.2.2 Mailbox full"),
            new("carol@contoso.com", "networkerror", Network, Now.AddDays(-20), "dsn", "4.4.1", 451, "connect to mx1.contoso.com:25: Connection timed out"),
            new("nobody@unknown.org", "undefined", Unmatched, Now.AddDays(-1), "cli"),
            new("alice@gmail.com", "vacation", Vacation, Now.AddDays(-30), "dsn", Diagnostic: "Auto-Reply: out of office"),
            new("dave@contoso.com", "userunknown", FalsePositive, Now.AddDays(-3), "dsn", "5.1.1", 550,
                "550 5.1.1 <dave@contoso.com>: user unknown or mail refused by spam policy of contoso.com"),
            new("bob@yahoo.com", "onhold", OnHold, Now.AddDays(-7), "webhook:sendgrid"),
        ];
        await rules.ApplyManyAsync(inputs);

        await using var read = db.NewContext();
        return read.BounceEvents.ToDictionary(b => b.DedupKey, b => b.Id);
    }
}
