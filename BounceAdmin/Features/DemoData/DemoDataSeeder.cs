using System.Diagnostics;
using System.Globalization;
using System.Text;
using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Features.Engagement;
using BounceAdmin.Features.Import;
using BounceAdmin.Features.People;
using BounceAdmin.Identity;
using Bogus;
using CsvHelper;
using Person = BounceAdmin.Data.Entities.Person;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.DemoData;

/// <summary>What one seeding run created, and how long it took.</summary>
public sealed record DemoDataSummary(int People, int Programs, int Emails, int Sends, int EmailEvents, int Bounces, TimeSpan Elapsed);

/// <summary>
/// Fills an empty Development database with a realistic marketing database: people on free-mail, corporate and dead
/// domains; three programs with twenty emails sent over the last 90 days; deliveries, opens, clicks, unsubscribes; and
/// bounces of every category with real-world SMTP wording. Everything goes through the code real data goes through
/// (people import, sends and engagement services, <see cref="BounceRulesService"/>), so the five bounce fields, their
/// audit entries, the bounce events and the report's aggregates agree exactly as they would in production. On purpose
/// it also holds what real data has: repeated sends of one email to one person, sends opened and then bounced, a soft
/// bounce followed by a hard one, and a hard-bounce incident at <see cref="IncidentDomain"/>.
/// The random seed is fixed and every time is relative to <see cref="TimeProvider"/>, so runs are reproducible.
/// </summary>
public sealed class DemoDataSeeder(
    IDbContextFactory<AppDbContext> dbFactory,
    BounceRulesService rules,
    TimeProvider clock,
    ILogger<DemoDataSeeder> logger)
{
    /// <summary>The fixed random seed: the same clock gives the same database.</summary>
    public const int RandomSeed = 20261128;

    /// <summary>People with an email address; a few more without one are added on top.</summary>
    public const int PeopleWithEmail = 5400;

    public const int PeopleWithoutEmail = 25;

    /// <summary>The import batch the demo people come from.</summary>
    public const string ImportBatchName = "Demo data";

    /// <summary>The demo people were imported this long before now (the import batch's time and the people's Created At).</summary>
    public static readonly TimeSpan ImportedBefore = TimeSpan.FromDays(120);

    /// <summary>The receiving domain whose spam filter answers one email with a burst of "user unknown" (an incident).</summary>
    public const string IncidentDomain = "fabrikam.com";

    /// <summary>The email (index in the schedule, 30 days ago) on which <see cref="IncidentDomain"/> has its incident.</summary>
    internal const int IncidentEmail = 13;

    /// <summary>The identity the demo data is loaded as: an Admin, as the import page, the API and the rules require.</summary>
    internal static readonly ICurrentUser DemoIdentity = FixedCurrentUser.For("system:demo-data", Roles.Admin);

    /// <summary>The source recorded on engagement the demo data loads (e.g. on the audit entry of an unsubscribe).</summary>
    internal const string EngagementSource = "demo-data";

    private static readonly (string Domain, double Weight)[] FreeMail =
        [("gmail.com", 30), ("yahoo.com", 13), ("outlook.com", 11), ("hotmail.com", 8)];

    private static readonly (string Domain, string Company, double Weight)[] Corporate =
    [
        ("contoso.com", "Contoso Ltd", 8), ("fabrikam.com", "Fabrikam Inc", 7), ("northwindtraders.com", "Northwind Traders", 6),
        ("adventure-works.com", "Adventure Works Cycles", 6), ("wingtiptoys.com", "Wingtip Toys", 4), ("tailspintoys.com", "Tailspin Toys", 4),
    ];

    /// <summary>Domains that no longer exist: every address there bounces as hostunknown.</summary>
    private static readonly (string Domain, double Weight)[] DeadDomains = [("oldmail-isp.net", 1.6), ("defunct-hosting.biz", 1.4)];

    private static readonly string[] Programs = ["Monthly Newsletter", "Product Launch: Aurora", "Winter Webinar Series"];

    /// <summary>The twenty emails: program, name, subject, days before now, audience size.</summary>
    private static readonly (int Program, string Name, string Subject, double DaysAgo, int Audience)[] Schedule =
    [
        (0, "Newsletter — September", "What's new this September", 88, 2100),
        (1, "Aurora — Teaser", "Something new is coming", 84, 1200),
        (2, "Webinar 1 — Invitation", "Join our winter webinar series", 79, 1000),
        (0, "Newsletter — October (part 1)", "October highlights", 74, 2000),
        (1, "Aurora — Early access", "Get early access to Aurora", 70, 1100),
        (2, "Webinar 1 — Reminder", "Tomorrow: webinar 1", 66, 900),
        (2, "Webinar 1 — Recording", "Missed it? Watch the recording", 62, 950),
        (0, "Newsletter — October (part 2)", "More October news", 58, 2000),
        (1, "Aurora — Launch day", "Aurora is here", 54, 1500),
        (2, "Webinar 2 — Invitation", "Webinar 2: deliverability deep dive", 49, 1000),
        (1, "Aurora — Customer stories", "How teams use Aurora", 44, 1200),
        (0, "Newsletter — November", "November newsletter", 39, 2100),
        (2, "Webinar 2 — Reminder", "Starting soon: webinar 2", 35, 900),
        (1, "Aurora — Pricing update", "New Aurora plans", 30, 1100),
        (2, "Webinar 3 — Invitation", "Webinar 3: list hygiene", 24, 1000),
        (0, "Newsletter — Late November", "Before the holidays", 18, 2000),
        (1, "Aurora — Tips & tricks", "Five Aurora tips", 12, 1200),
        (2, "Webinar 3 — Recording", "Webinar 3 recording", 7, 950),
        (0, "Newsletter — December preview", "December preview", 2, 1800),
        (1, "Aurora — Holiday offer", "A holiday offer on Aurora", 0.5, 1500),
    ];

    /// <summary>Emails sent twice to a few people.</summary>
    private static readonly int[] RepeatedEmails = [5, 15];

    /// <summary>The email on which a few mailboxes are full; their next send bounces hard.</summary>
    private const int SoftBounceEmail = 4;

    private static readonly (string Reason, double Weight)[] BlockReasons =
    [
        ("blocked", 40), ("spamdetected", 18), ("badreputation", 10), ("policyviolation", 10), ("authfailure", 8),
        ("requireptr", 4), ("contenterror", 5), ("filtered", 5),
    ];

    private static readonly (string Reason, double Weight)[] TemporaryReasons =
    [
        ("mailboxfull", 45), ("toomanyconn", 14), ("speeding", 14), ("expired", 10), ("exceedlimit", 6), ("suspend", 6), ("systemfull", 5),
    ];

    private static readonly (string Reason, double Weight)[] TechnicalReasons =
        [("networkerror", 40), ("systemerror", 20), ("mailererror", 10), ("norelaying", 15), ("failedstarttls", 15)];

    private static readonly (string Source, double Weight)[] Sources =
        [("dsn", 70), ("webhook:ses", 15), ("webhook:sendgrid", 10), ("upload", 5)];

    /// <summary>
    /// How many bounce reports go to the rules service per call (one transaction each). Measured on a file database
    /// (warm, 2 busy cores): 1 → 4.7 s (a commit per bounce), 5–10 → 2.0–2.4 s, 20–100 → 1.5–1.9 s for the whole seed.
    /// </summary>
    internal int BounceChunk { get; init; } = 50;

    /// <summary>
    /// Seeds the demo database unless any person exists (then does nothing and returns null). The data goes in through
    /// the same doors as real data: the people as one import batch through <see cref="PeopleImportService"/>, the sends
    /// through <see cref="SendsService"/>, delivery and engagement through <see cref="EngagementService"/>, and the
    /// bounce reports, matched to their sends, through <see cref="BounceRulesService.ApplyManyAsync"/>, oldest first.
    /// Only what no door carries is written directly: the people without an address and the deleted flag.
    /// </summary>
    [BounceAdmin.Identity.SystemOperation("Start-up in Development only, on an empty database; the data goes through the import, sends, engagement and bounce services as an Admin system identity.")]
    public async Task<DemoDataSummary?> SeedIfEmptyAsync(CancellationToken ct = default)
    {
        await using (var check = await dbFactory.CreateDbContextAsync(ct))
        {
            if (await check.People.AnyAsync(ct))
            {
                return null;
            }
        }

        var watch = Stopwatch.StartNew();
        var plan = new DemoPlan(clock.GetUtcNow().UtcDateTime);
        plan.Build();
        var planned = watch.Elapsed;

        await ImportPeopleAsync(plan, ct);
        var imported = watch.Elapsed;

        var sends = await RecordSendsAsync(plan, ct);
        var sent = watch.Elapsed;

        var events = await RecordEventsAsync(plan, ct);
        var engaged = watch.Elapsed;

        // Bounces in time order, so a late suspension moves Email Suspended At forward exactly as live ingestion would.
        var inputs = plan.Bounces.OrderBy(b => b.OccurredAt).Select(b => b.ToInput()).ToList();
        for (var i = 0; i < inputs.Count; i += BounceChunk)
        {
            await rules.ActingAs(DemoIdentity).ApplyManyAsync(inputs.GetRange(i, Math.Min(BounceChunk, inputs.Count - i)), ct);
        }

        var bounced = watch.Elapsed;
        await AddWhatNoDoorCarriesAsync(plan, ct);

        // The sends service does not count sends into the domain-health aggregate: it is rebuilt once from the rows.
        await using (var stats = await dbFactory.CreateDbContextAsync(ct))
        {
            await BounceHealth.DomainStatsWriter.RebuildAsync(stats, ct);
        }

        watch.Stop();
        var summary = new DemoDataSummary(plan.People.Count, Programs.Length, Schedule.Length, sends, events, inputs.Count, watch.Elapsed);
        logger.LogInformation(
            "Demo data seeded in {Elapsed} ms (plan {Plan} ms, import {Import} ms, sends {Sends} ms, events {EventsMs} ms, bounces {Bounces} ms): {People} people, {Emails} emails, {SendCount} sends, {Events} events, {BounceCount} bounce reports",
            (long)summary.Elapsed.TotalMilliseconds, (long)planned.TotalMilliseconds, (long)(imported - planned).TotalMilliseconds,
            (long)(sent - imported).TotalMilliseconds, (long)(engaged - sent).TotalMilliseconds, (long)(bounced - engaged).TotalMilliseconds,
            summary.People, summary.Emails, summary.Sends, summary.EmailEvents, summary.Bounces);
        return summary;
    }

    /// <summary>
    /// The people with an address, written as a CSV file and imported through <see cref="PeopleImportService"/> as one
    /// import batch, as an Admin would on the import page. The import runs on a clock <see cref="ImportedBefore"/> back,
    /// so the batch and the people's Created At lie before the first email.
    /// </summary>
    private async Task ImportPeopleAsync(DemoPlan plan, CancellationToken ct)
    {
        (string Header, ImportField Field)[] columns =
        [
            ("Email", ImportField.Email), ("First Name", ImportField.FirstName), ("Last Name", ImportField.LastName),
            ("Company", ImportField.Company), ("Blocklisted", ImportField.Blocklisted), ("Marketing Suspended", ImportField.MarketingSuspended),
        ];
        var path = Path.Combine(Path.GetTempPath(), $"bounceadmin-demo-people-{Guid.NewGuid():N}.csv");
        try
        {
            await using (var file = File.Create(path))
            using (var csv = CsvWriter.Create(file, new CsvWriterOptions(), leaveOpen: true))
            {
                csv.WriteHeader(columns.Select(c => c.Header).ToArray());
                foreach (var p in plan.People.Where(p => p.Entity.Email is not null))
                {
                    var e = p.Entity;
                    csv.WriteField(e.Email);
                    csv.WriteField(e.FirstName);
                    csv.WriteField(e.LastName);
                    csv.WriteField(e.Company);
                    csv.WriteField(e.Blocklisted ? "true" : "false");
                    csv.WriteField(e.MarketingSuspended ? "true" : "false");
                    csv.EndRecord();
                }

                csv.Flush();
            }

            var import = new PeopleImportService(dbFactory, DemoIdentity, new ShiftedClock(clock, -ImportedBefore));
            var result = await import.ImportAsync(path, "demo-people.csv",
                columns.Select((c, i) => new ImportColumn(i, c.Header, c.Field)).ToList(), new ImportOptions(ImportBatchName), ct: ct);
            if (result.Status != ImportBatchStatus.Completed || result.Counts.Rejected > 0)
            {
                throw new InvalidOperationException(
                    $"The demo people import did not complete ({result.Status}, {result.Counts.Rejected} rejected): {result.Error ?? result.Issues.FirstOrDefault()?.Reason}");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Every planned send, oldest first, through <see cref="SendsService"/> in batches; learns each send's id.</summary>
    private async Task<int> RecordSendsAsync(DemoPlan plan, CancellationToken ct)
    {
        var service = new SendsService(dbFactory, DemoIdentity, clock);
        var ordered = plan.Sends.OrderBy(s => s.Entity.SentAt).ToList();
        for (var start = 0; start < ordered.Count; start += EngagementLimits.MaxBatch)
        {
            var batch = ordered.GetRange(start, Math.Min(EngagementLimits.MaxBatch, ordered.Count - start));
            var records = batch.Select(s => new SendRecord(Schedule[s.EmailIndex].Name, null, Programs[Schedule[s.EmailIndex].Program],
                s.Person.Entity.Email!, new DateTimeOffset(s.Entity.SentAt, TimeSpan.Zero), null, s.Entity.MessageId)).ToList();
            var result = await service.RecordAsync(DemoIdentity, records, createPeople: false, ct);
            foreach (var item in result.Items)
            {
                batch[item.Index].Entity.Id = item.Status == SendItemStatus.Created
                    ? item.SendId!.Value
                    : throw new InvalidOperationException($"Demo send {batch[item.Index].Entity.MessageId} was not stored: {item.Status}.");
            }
        }

        return ordered.Count;
    }

    /// <summary>Deliveries, opens, clicks and unsubscribes, oldest first, through <see cref="EngagementService"/> by send id.</summary>
    private async Task<int> RecordEventsAsync(DemoPlan plan, CancellationToken ct)
    {
        var service = new EngagementService(dbFactory, DemoIdentity, clock);
        var events = plan.Sends
            .SelectMany(s => s.Events.Select(e => new EventRecord(e.Type, new DateTimeOffset(e.At, TimeSpan.Zero), SendId: s.Entity.Id)))
            .OrderBy(e => e.OccurredAt).ThenBy(e => e.SendId)
            .ToList();
        var recorded = 0;
        for (var start = 0; start < events.Count; start += EngagementLimits.MaxBatch)
        {
            var result = await service.RecordAsync(DemoIdentity, events.GetRange(start, Math.Min(EngagementLimits.MaxBatch, events.Count - start)),
                EngagementSource, ct);
            if (result.Unmatched > 0 || result.Duplicates > 0)
            {
                throw new InvalidOperationException($"Demo events: {result.Unmatched} unmatched, {result.Duplicates} duplicates.");
            }

            recorded += result.Recorded;
        }

        return recorded;
    }

    /// <summary>
    /// What neither the import file nor the API carries: people without an address (entered by hand in the source
    /// system, so not in the file) and the deleted flag of people deleted since. Neither touches a bounce field.
    /// </summary>
    private async Task AddWhatNoDoorCarriesAsync(DemoPlan plan, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.People.AddRange(plan.People.Where(p => p.Entity.Email is null).Select(p => p.Entity));
        await db.SaveChangesAsync(ct);

        var deleted = plan.People.Where(p => p.Entity.IsDeleted && p.Entity.EmailNormalized is not null).Select(p => p.Entity.EmailNormalized!).ToList();
        var now = clock.GetUtcNow().UtcDateTime;
        await db.People.Where(p => p.EmailNormalized != null && deleted.Contains(p.EmailNormalized))
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.IsDeleted, true).SetProperty(p => p.UpdatedAt, now).SetProperty(p => p.Version, p => p.Version + 1), ct);
    }

    /// <summary>The app's clock moved by a fixed offset (the demo import happened in the past).</summary>
    private sealed class ShiftedClock(TimeProvider inner, TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + offset;
    }

    private enum Profile
    {
        Normal,
        DeadDomain,
        DeadMailbox,
    }

    private sealed class PlannedPerson(Person entity, Profile profile)
    {
        public Person Entity { get; } = entity;
        public Profile Profile { get; } = profile;
        public DateTime? InvalidAt { get; set; }
        public DateTime? SuspendedAt { get; set; }
        public DateTime? UnsubscribedAt { get; set; }
    }

    private sealed class PlannedSend(PlannedPerson person, int emailIndex, EmailSend entity)
    {
        public PlannedPerson Person { get; } = person;
        public int EmailIndex { get; } = emailIndex;
        public EmailSend Entity { get; } = entity;
        public List<(EmailEventType Type, DateTime At)> Events { get; } = [];
    }

    private sealed record PlannedBounce(PlannedSend? Send, string Recipient, DemoBounceSample Sample, string Diagnostic, DateTime OccurredAt,
        string Source, string? RemoteMta, string DedupKey)
    {
        public BounceInput ToInput() => new(
            Recipient, Sample.Reason, DedupKey, OccurredAt, Source,
            Status: Sample.Status, ReplyCode: Sample.ReplyCode, Diagnostic: Diagnostic, RemoteMta: RemoteMta,
            Rule: Sample.Rule, RuleExplanation: Sample.RuleExplanation,
            OriginalMessageId: Send?.Entity.MessageId, SendId: Send?.Entity.Id);
    }

    /// <summary>Decides everything in memory first (people, who got which email, what happened), then it is written.</summary>
    private sealed class DemoPlan(DateTime now)
    {
        private readonly Randomizer _rnd = new(RandomSeed);
        private readonly HashSet<string> _addresses = new(StringComparer.Ordinal);
        private Faker _faker = null!;

        public DateTime Now { get; } = now;
        public List<PlannedPerson> People { get; } = [];
        public List<PlannedSend> Sends { get; } = [];
        public List<PlannedBounce> Bounces { get; } = [];

        /// <summary>People with a soft bounce whose next send bounces hard.</summary>
        private readonly HashSet<PlannedPerson> _softThenHard = [];
        private int _openedThenBounced;

        public void Build()
        {
            _faker = new Faker("en") { Random = _rnd };
            for (var i = 0; i < PeopleWithEmail; i++)
            {
                People.Add(NewPerson(withEmail: true));
            }

            for (var i = 0; i < PeopleWithoutEmail; i++)
            {
                People.Add(NewPerson(withEmail: false));
            }

            for (var e = 0; e < Schedule.Length; e++)
            {
                PlanEmail(e);
            }

            PlanUnmatchedBounces();
        }

        private PlannedPerson NewPerson(bool withEmail)
        {
            var first = _faker.Name.FirstName();
            var last = _faker.Name.LastName();
            // People with an address come from the demo import (ImportedBefore ago); the others were entered by hand earlier.
            var createdAt = Now.AddDays(-_rnd.Double(95, 900)).AddSeconds(-_rnd.Int(0, 86_399));
            if (withEmail)
            {
                createdAt = Now - ImportedBefore;
            }

            var person = new Person
            {
                FirstName = first,
                LastName = last,
                CreatedAt = createdAt,
                UpdatedAt = createdAt,
                Blocklisted = _rnd.Bool(0.004f),
                MarketingSuspended = _rnd.Bool(0.006f),
                IsDeleted = _rnd.Bool(0.01f),
            };
            if (!withEmail)
            {
                person.Company = _faker.Company.CompanyName();
                return new PlannedPerson(person, Profile.Normal);
            }

            var roll = _rnd.Double(0, 100);
            string domain;
            var profile = Profile.Normal;
            if (roll < 62)
            {
                domain = Weighted(FreeMail.Select(d => (d.Domain, d.Weight)));
                person.Company = _rnd.Bool(0.75f) ? _faker.Company.CompanyName() : null;
            }
            else if (roll < 97)
            {
                var corp = Corporate[WeightedIndex(Corporate.Select(c => c.Weight).ToArray())];
                domain = corp.Domain;
                person.Company = corp.Company;
            }
            else
            {
                domain = Weighted(DeadDomains.Select(d => (d.Domain, d.Weight)));
                person.Company = _faker.Company.CompanyName();
                profile = Profile.DeadDomain;
            }

            if (profile == Profile.Normal && _rnd.Bool(0.03f))
            {
                profile = Profile.DeadMailbox;
            }

            var address = UniqueAddress(first, last, domain);
            person.Email = _rnd.Bool(0.1f) ? Capitalise(address) : address;
            person.EmailNormalized = address;
            person.EmailDomain = domain;
            return new PlannedPerson(person, profile);
        }

        private string UniqueAddress(string first, string last, string domain)
        {
            var f = Slug(first);
            var l = Slug(last);
            var local = _rnd.Int(0, 4) switch
            {
                0 => $"{f}.{l}",
                1 => $"{f}{l}{_rnd.Int(1, 99)}",
                2 => $"{f[0]}.{l}",
                3 => $"{f}_{l}",
                _ => $"{f}{_rnd.Int(70, 2005)}",
            };
            var address = $"{local}@{domain}";
            for (var n = 2; !_addresses.Add(address); n++)
            {
                address = $"{local}{n}@{domain}";
            }

            return address;
        }

        private void PlanEmail(int emailIndex)
        {
            var (_, _, _, daysAgo, audience) = Schedule[emailIndex];
            var start = Now.AddDays(-daysAgo);
            var isLast = emailIndex == Schedule.Length - 1;
            var eligible = People.Where(p => IsMailable(p, start)).ToList();
            var recipients = _rnd.ListItems(eligible, Math.Min(audience, eligible.Count));
            var forcedSuspensions = 0;
            var repeats = 0;
            var seq = 0;
            foreach (var person in recipients)
            {
                var sentAt = start.AddSeconds(_rnd.Int(0, 1800));
                var send = new PlannedSend(person, emailIndex, new EmailSend
                {
                    SentAt = sentAt,
                    MessageId = string.Create(CultureInfo.InvariantCulture, $"{emailIndex + 1:x2}{seq++:x5}.{_rnd.Hexadecimal(12, "")}@mta1.news.bounceadmin.example"),
                });
                Sends.Add(send);

                var domain = person.Entity.EmailDomain!;
                // The last email (12 hours ago) ran into a block-list listing at Microsoft: these people are suspended now.
                if (isLast && forcedSuspensions < 8 && person.Profile == Profile.Normal && domain is "hotmail.com" or "outlook.com")
                {
                    forcedSuspensions++;
                    AddBounce(send, DemoBounceCatalog.Samples["blocked"][1], sentAt.AddSeconds(_rnd.Int(5, 300)));
                    continue;
                }

                // A spam filter at one corporate domain answers this email with "user unknown" for nearly half of its
                // recipients: far above the domain's own baseline, so the Bounce health page lists it as an incident.
                if (emailIndex == IncidentEmail && domain == IncidentDomain && person.Profile == Profile.Normal && _rnd.Bool(0.45f))
                {
                    AddBounce(send, DemoBounceCatalog.SuspiciousUserUnknown, sentAt.AddSeconds(_rnd.Int(2, 60)));
                    continue;
                }

                // A few mailboxes are full on this email and gone on a later one (soft, then hard).
                if (emailIndex == SoftBounceEmail && _softThenHard.Count < 3 && person.Profile == Profile.Normal && person.SuspendedAt is null)
                {
                    _softThenHard.Add(person);
                    AddBounce(send, Pick("mailboxfull", domain), sentAt.AddMinutes(_rnd.Double(1, 60)));
                    continue;
                }

                PlanOutcome(send, sentAt);

                // The sending platform sent this email twice to a few people (a resend after a glitch): the report
                // counts such repeated sends once.
                if (RepeatedEmails.Contains(emailIndex) && repeats < 3 && person.Profile == Profile.Normal && send.Events.Count > 0)
                {
                    repeats++;
                    var again = new PlannedSend(person, emailIndex, new EmailSend
                    {
                        SentAt = sentAt.AddHours(_rnd.Double(2, 6)),
                        MessageId = string.Create(CultureInfo.InvariantCulture, $"{emailIndex + 1:x2}{seq++:x5}.{_rnd.Hexadecimal(12, "")}@mta1.news.bounceadmin.example"),
                    });
                    Sends.Add(again);
                    PlanDelivered(again, again.Entity.SentAt);
                }
            }
        }

        private bool IsMailable(PlannedPerson p, DateTime at)
            => p.Entity.EmailNormalized is not null
               && !p.Entity.Blocklisted && !p.Entity.MarketingSuspended
               && p.Entity.CreatedAt < at
               && (p.InvalidAt is null || p.InvalidAt > at)
               && (p.UnsubscribedAt is null || p.UnsubscribedAt > at)
               && !(p.SuspendedAt is { } s && s <= at && at < s + PersonStatus.SuspensionLength);

        private void PlanOutcome(PlannedSend send, DateTime sentAt)
        {
            var person = send.Person;
            var age = Now - sentAt;

            if (person.Profile != Profile.Normal && person.InvalidAt is null)
            {
                var sample = person.Profile == Profile.DeadDomain
                    ? Pick("hostunknown", person.Entity.EmailDomain!)
                    : InvalidMailboxSample(person.Entity.EmailDomain!);
                AddBounce(send, sample, sentAt.AddSeconds(_rnd.Int(2, 120)));
                return;
            }

            // The second bounce of a mailbox that was full before: now it is gone.
            if (send.EmailIndex > SoftBounceEmail && _softThenHard.Remove(person))
            {
                AddBounce(send, Pick("userunknown", person.Entity.EmailDomain!), Capped(sentAt.AddSeconds(_rnd.Int(2, 120))));
                return;
            }

            // Recent sends have partly not been answered yet: they count as Pending.
            if (age < TimeSpan.FromDays(3) && _rnd.Bool(age < TimeSpan.FromDays(1) ? 0.15f : 0.05f))
            {
                return;
            }

            // Someone suspended before (and mailable again) is more likely to hit the same block again: the later bounce
            // moves Email Suspended At forward, which the audit log then shows as history.
            if (person.SuspendedAt is not null && _rnd.Bool(0.1f))
            {
                AddBounce(send, Pick(Weighted(BlockReasons), person.Entity.EmailDomain!), Capped(sentAt.AddSeconds(_rnd.Int(5, 600))));
                return;
            }

            var r = _rnd.Double();
            var soon = Capped(sentAt.AddMinutes(_rnd.Double(1, 240)));
            switch (r)
            {
                case < 0.004:
                    AddBounce(send, Pick(Weighted(BlockReasons), person.Entity.EmailDomain!), Capped(sentAt.AddSeconds(_rnd.Int(5, 600))));
                    return;
                case < 0.014:
                    var temporary = Weighted(TemporaryReasons);
                    if (temporary == "expired" && age > TimeSpan.FromDays(3.5))
                    {
                        AddBounce(send, Pick("expired", person.Entity.EmailDomain!), sentAt.AddDays(3));
                        return;
                    }

                    AddBounce(send, Pick(temporary == "expired" ? "mailboxfull" : temporary, person.Entity.EmailDomain!), soon);
                    return;
                case < 0.0175:
                    AddBounce(send, Pick(Weighted(TechnicalReasons), person.Entity.EmailDomain!), soon);
                    return;
                case < 0.019:
                    AddBounce(send, Pick(_rnd.Bool(0.7f) ? "undefined" : "onhold", person.Entity.EmailDomain!), soon);
                    return;
                case < 0.0196:
                    // A mailbox that was fine before and is now gone; an earlier open makes it a suspected false positive.
                    AddBounce(send, InvalidMailboxSample(person.Entity.EmailDomain!), Capped(sentAt.AddSeconds(_rnd.Int(2, 120))));
                    return;
                case < 0.026 when age >= TimeSpan.FromDays(3):
                    // No event at all three days on: the send counts as Aborted.
                    return;
            }

            PlanDelivered(send, sentAt);
        }

        private void PlanDelivered(PlannedSend send, DateTime sentAt)
        {
            var deliveredAt = sentAt.AddSeconds(_rnd.Int(1, 90));
            send.Events.Add((EmailEventType.Delivered, deliveredAt));

            var extra = _rnd.Double();
            if (extra < 0.003)
            {
                AddBounce(send, Pick("vacation", send.Person.Entity.EmailDomain!), Capped(deliveredAt.AddMinutes(_rnd.Int(1, 30))));
            }
            else if (extra < 0.004)
            {
                AddBounce(send, Pick("delivered", send.Person.Entity.EmailDomain!), deliveredAt);
            }
            else if (extra < 0.0045)
            {
                // A complaint report: the rules service unsubscribes the person (with an audit entry) when it is applied;
                // the plan only stops mailing them from then on.
                var at = Capped(deliveredAt.AddHours(_rnd.Double(1, 30)));
                AddBounce(send, Pick("feedback", send.Person.Entity.EmailDomain!), at);
                send.Person.UnsubscribedAt ??= at;
                return;
            }

            if (!_rnd.Bool(0.21f))
            {
                return;
            }

            // Most opens come within hours, a long tail over the next two days.
            var openedAt = deliveredAt.AddHours(Math.Min(48, -Math.Log(1 - _rnd.Double()) * 6));
            if (openedAt >= Now)
            {
                return;
            }

            send.Events.Add((EmailEventType.Opened, openedAt));

            // Opened, and a bounce report for the same send arrives hours later (a full mailbox, or a mailbox that closed
            // since): the open wins in the report (SPEC §5 rule 4). A few of these on four emails.
            if (send.EmailIndex % 5 == 2 && _openedThenBounced < 12 && openedAt < Now.AddDays(-1) && _rnd.Bool(0.05f))
            {
                var hard = _openedThenBounced++ % 3 == 2;
                AddBounce(send, Pick(hard ? "userunknown" : "mailboxfull", send.Person.Entity.EmailDomain!), Capped(openedAt.AddHours(_rnd.Double(1, 20))));
                return;
            }

            if (_rnd.Bool(0.15f))
            {
                send.Events.Add((EmailEventType.Clicked, Capped(openedAt.AddSeconds(_rnd.Int(5, 600)))));
            }

            if (_rnd.Bool(0.015f))
            {
                var at = Capped(openedAt.AddSeconds(_rnd.Int(10, 900)));
                send.Events.Add((EmailEventType.Unsubscribed, at));
                Unsubscribe(send.Person, at);
            }
        }

        private static void Unsubscribe(PlannedPerson person, DateTime at)
        {
            person.UnsubscribedAt ??= at;
            person.Entity.Unsubscribed = true;
        }

        private void PlanUnmatchedBounces()
        {
            // Bounces for addresses that are not (or no longer) in the database: kept as unmatched.
            for (var i = 0; i < 14; i++)
            {
                var domain = Weighted(FreeMail.Select(d => (d.Domain, d.Weight)));
                var recipient = $"{Slug(_faker.Name.FirstName())}.{Slug(_faker.Name.LastName())}.old{i}@{domain}";
                var sample = Pick(_rnd.Bool(0.6f) ? "userunknown" : "mailboxfull", domain);
                var at = Now.AddDays(-_rnd.Double(0.2, 60));
                Bounces.Add(new PlannedBounce(null, recipient, sample, sample.Render(recipient, domain, DemoBounceCatalog.SendingIp, MxOf(domain) ?? domain),
                    at, "upload", MxOf(domain), $"demo:unmatched:{i}"));
            }
        }

        private DemoBounceSample InvalidMailboxSample(string domain)
        {
            var roll = _rnd.Double();
            if (roll < 0.10 && Corporate.Any(c => c.Domain == domain))
            {
                // A corporate spam filter that words its rejection as "user unknown": flagged as a suspected false positive.
                return DemoBounceCatalog.SuspiciousUserUnknown;
            }

            return roll switch
            {
                < 0.90 => Pick("userunknown", domain),
                < 0.95 => Pick("hasmoved", domain),
                _ => Pick("suppressed", domain),
            };
        }

        private void AddBounce(PlannedSend send, DemoBounceSample sample, DateTime occurredAt)
        {
            var person = send.Person;
            var domain = person.Entity.EmailDomain!;
            var recipient = person.Entity.EmailNormalized!;
            var category = BounceTaxonomy.CategoryOf(sample.Reason, sample.Status, sample.ReplyCode);
            if (category == BounceTaxonomy.Invalid)
            {
                person.InvalidAt ??= occurredAt;
            }
            else if (category == BounceTaxonomy.Block && (person.SuspendedAt is null || occurredAt > person.SuspendedAt))
            {
                person.SuspendedAt = occurredAt;
            }

            var source = sample.Reason == "suppressed" ? "webhook:ses" : Weighted(Sources);
            var mx = MxOf(domain);
            Bounces.Add(new PlannedBounce(send, recipient, sample, sample.Render(recipient, domain, DemoBounceCatalog.SendingIp, mx ?? domain),
                occurredAt, source, mx, $"demo:{send.Entity.MessageId}:{sample.Reason}"));
        }

        /// <summary>A wording for the reason, preferring one the receiving provider really uses.</summary>
        private DemoBounceSample Pick(string reason, string domain)
        {
            var all = DemoBounceCatalog.Samples[reason];
            var fitting = all.Where(s => ProviderOf(s.Template) is not { } p || p == ProviderOf(domain)).ToArray();
            return _rnd.ArrayElement(fitting.Length > 0 ? fitting : all);
        }

        private static string? ProviderOf(string text)
        {
            if (text.Contains("google", StringComparison.OrdinalIgnoreCase) || text.Contains("gmail", StringComparison.OrdinalIgnoreCase)) return "google";
            if (text.Contains("yahoo", StringComparison.OrdinalIgnoreCase)) return "yahoo";
            if (text.Contains("live.com", StringComparison.OrdinalIgnoreCase) || text.Contains("RESOLVER", StringComparison.Ordinal)
                || text.Contains("outlook.com", StringComparison.OrdinalIgnoreCase) || text.Contains("hotmail.com", StringComparison.OrdinalIgnoreCase)) return "microsoft";
            return null;
        }

        private static string? MxOf(string domain) => domain switch
        {
            "gmail.com" => "gmail-smtp-in.l.google.com",
            "yahoo.com" => "mta6.am0.yahoodns.net",
            "outlook.com" or "hotmail.com" => $"{domain.Replace('.', '-')}.olc.protection.outlook.com",
            _ when DeadDomains.Any(d => d.Domain == domain) => null,
            _ => $"mx1.{domain}",
        };

        private DateTime Capped(DateTime t) => t < Now ? t : Now.AddMinutes(-1);

        private string Weighted(IEnumerable<(string Value, double Weight)> items)
        {
            var list = items as IReadOnlyList<(string, double)> ?? items.ToList();
            return list[WeightedIndex(list.Select(i => i.Item2).ToArray())].Item1;
        }

        private int WeightedIndex(double[] weights)
        {
            var roll = _rnd.Double(0, weights.Sum());
            for (var i = 0; i < weights.Length; i++)
            {
                roll -= weights[i];
                if (roll < 0) return i;
            }

            return weights.Length - 1;
        }

        private static string Slug(string name)
        {
            var sb = new StringBuilder(name.Length);
            foreach (var c in name.ToLowerInvariant())
            {
                if (c is >= 'a' and <= 'z' or >= '0' and <= '9') sb.Append(c);
            }

            return sb.Length > 0 ? sb.ToString() : "x";
        }

        private static string Capitalise(string address) => char.ToUpperInvariant(address[0]) + address[1..];
    }
}
