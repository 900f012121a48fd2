using System.Diagnostics;
using System.Globalization;
using System.Text;
using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Features.Reports;
using BounceAdmin.Features.People;
using Bogus;
using Person = BounceAdmin.Data.Entities.Person;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace BounceAdmin.Features.DemoData;

/// <summary>What one seeding run created, and how long it took.</summary>
public sealed record DemoDataSummary(int People, int Programs, int Emails, int Sends, int EmailEvents, int Bounces, TimeSpan Elapsed);

/// <summary>
/// Fills an empty Development database with a realistic marketing database: people on free-mail, corporate and dead
/// domains; three programs with twenty emails sent over the last 90 days; deliveries, opens, clicks, unsubscribes; and
/// bounces of every category with real-world SMTP wording. Bounces go through <see cref="BounceRulesService"/>, so the
/// five bounce fields, their audit entries and the bounce events agree exactly as they would in production.
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
    /// Seeds the demo database unless any person exists (then does nothing and returns null). Takes a few seconds:
    /// people, sends and events are written in one transaction with prepared INSERTs; the ~950 bounce reports then go
    /// through <see cref="BounceRulesService.ApplyManyAsync"/> in chunks, oldest first.
    /// </summary>
    [BounceAdmin.Identity.SystemOperation("Start-up in Development only, on an empty database; its bounces go through BounceRulesService as a system identity.")]
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

        var (sends, events) = await InsertAsync(plan, ct);
        var inserted = watch.Elapsed;

        // Bounces in time order, so a late suspension moves Email Suspended At forward exactly as live ingestion would.
        var inputs = plan.Bounces.OrderBy(b => b.OccurredAt).Select(b => b.ToInput()).ToList();
        for (var i = 0; i < inputs.Count; i += BounceChunk)
        {
            await rules.ApplyManyAsync(inputs.GetRange(i, Math.Min(BounceChunk, inputs.Count - i)), ct);
        }

        // The sends went in as a bulk load (no per-send increments), so domain health is rebuilt once from the rows.
        await using (var stats = await dbFactory.CreateDbContextAsync(ct))
        {
            await BounceHealth.DomainStatsWriter.RebuildAsync(stats, ct);
        }

        watch.Stop();
        var summary = new DemoDataSummary(plan.People.Count, Programs.Length, Schedule.Length, sends, events, inputs.Count, watch.Elapsed);
        logger.LogInformation(
            "Demo data seeded in {Elapsed} ms (plan {Plan} ms, insert {Insert} ms, bounces {Bounces} ms): {People} people, {Emails} emails, {Sends} sends, {Events} events, {BounceCount} bounce reports",
            (long)summary.Elapsed.TotalMilliseconds, (long)planned.TotalMilliseconds, (long)(inserted - planned).TotalMilliseconds,
            (long)(summary.Elapsed - inserted).TotalMilliseconds, summary.People, summary.Emails, summary.Sends, summary.EmailEvents, summary.Bounces);
        return summary;
    }

    private async Task<(int Sends, int Events)> InsertAsync(DemoPlan plan, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Only programs and emails go through the change tracker; no need to detect changes on every Add.
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        // People are read back in insertion order to learn their ids (ids are ascending within the transaction).
        var lastIdBefore = await db.People.MaxAsync(p => (int?)p.Id, ct) ?? 0;
        string[] personColumns =
        [
            nameof(Person.Email), nameof(Person.EmailNormalized), nameof(Person.EmailDomain), nameof(Person.FirstName), nameof(Person.LastName),
            nameof(Person.Company), nameof(Person.EmailSuspended), nameof(Person.EmailInvalid), nameof(Person.Unsubscribed),
            nameof(Person.MarketingSuspended), nameof(Person.Blocklisted), nameof(Person.IsDeleted), nameof(Person.CreatedAt),
            nameof(Person.UpdatedAt), nameof(Person.Version),
        ];
        var personRows = plan.People.Select(p => p.Entity).Select(p => new object?[]
        {
            p.Email, p.EmailNormalized, p.EmailDomain, p.FirstName, p.LastName, p.Company, p.EmailSuspended, p.EmailInvalid, p.Unsubscribed,
            p.MarketingSuspended, p.Blocklisted, p.IsDeleted, p.CreatedAt, p.UpdatedAt, p.Version,
        });
        await InsertRowsAsync(db, typeof(Person), personColumns, personRows, ct);
        var personIds = await db.People.Where(p => p.Id > lastIdBefore).OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(ct);
        for (var i = 0; i < plan.People.Count; i++)
        {
            plan.People[i].Entity.Id = personIds[i];
        }

        var programs = Programs.Select(name => new MarketingProgram { Name = name, CreatedAt = plan.Now.AddDays(-120) }).ToList();
        var emails = Schedule.Select(s => new Email
        {
            Name = s.Name,
            Subject = s.Subject,
            Program = programs[s.Program],
            CreatedAt = plan.Now.AddDays(-s.DaysAgo - 3),
        }).ToList();
        db.Programs.AddRange(programs);
        db.Emails.AddRange(emails);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();

        // Sends and events are tens of thousands of rows: EF's per-entity work would take seconds, a prepared INSERT
        // on the same transaction takes a fraction of that. Table and column names come from the EF model.
        var sendRows = plan.Sends.Select(s => new object?[] { emails[s.EmailIndex].Id, s.Person.Entity.Id, s.Entity.SentAt, s.Entity.MessageId });
        await InsertRowsAsync(db, typeof(EmailSend),
            [nameof(EmailSend.EmailId), nameof(EmailSend.PersonId), nameof(EmailSend.SentAt), nameof(EmailSend.MessageId)], sendRows, ct);

        var emailIds = emails.Select(e => e.Id).ToList();
        var sendIds = await db.Sends.AsNoTracking()
            .Where(s => emailIds.Contains(s.EmailId))
            .Select(s => new { s.Id, s.MessageId })
            .ToDictionaryAsync(s => s.MessageId!, s => s.Id, StringComparer.Ordinal, ct);
        foreach (var send in plan.Sends)
        {
            send.Entity.Id = sendIds[send.Entity.MessageId!];
            send.Entity.EmailId = emails[send.EmailIndex].Id;
            send.Entity.PersonId = send.Person.Entity.Id;
        }

        var eventRows = plan.Sends.SelectMany(s => s.Events.Select(e => new object?[] { s.Entity.Id, s.Entity.PersonId, s.Entity.EmailId, e.Type, e.At }));
        var eventCount = await InsertRowsAsync(db, typeof(EmailEvent),
            [nameof(EmailEvent.SendId), nameof(EmailEvent.PersonId), nameof(EmailEvent.EmailId), nameof(EmailEvent.Type), nameof(EmailEvent.OccurredAt)],
            eventRows, ct);
        var sendCount = plan.Sends.Count;

        // The rows above bypass the report's hooks: count them once, in the same transaction. The bounces applied
        // afterwards go through the rules service, which keeps the aggregates up to date itself.
        await EmailStats.RebuildAsync(db, ct);
        await tx.CommitAsync(ct);
        return (sendCount, eventCount);
    }

    /// <summary>
    /// Inserts rows with one prepared command inside the context's current transaction, converting each value as the
    /// EF model would (so the UTC converter and enum mappings apply). Returns the number of rows.
    /// </summary>
    private static async Task<int> InsertRowsAsync(AppDbContext db, Type entity, string[] properties, IEnumerable<object?[]> rows, CancellationToken ct)
    {
        var entityType = db.Model.FindEntityType(entity)!;
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var props = properties.Select(p => entityType.FindProperty(p)!).ToArray();
        var sql = db.GetService<ISqlGenerationHelper>();

        await using var cmd = db.Database.GetDbConnection().CreateCommand();
        cmd.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        cmd.CommandText = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ("
            + string.Join(", ", props.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)))
            + ") VALUES (" + string.Join(", ", props.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture))) + ")";
        var parameters = props.Select((_, i) =>
        {
            var parameter = cmd.CreateParameter();
            parameter.ParameterName = "@p" + i.ToString(CultureInfo.InvariantCulture);
            cmd.Parameters.Add(parameter);
            return parameter;
        }).ToArray();
        var converters = props.Select(p => p.GetTypeMapping().Converter).ToArray();
        await cmd.PrepareAsync(ct);

        var count = 0;
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                var value = row[i] is { } v && converters[i] is { } converter ? converter.ConvertToProvider(v) : row[i];
                parameters[i].Value = value switch
                {
                    null => DBNull.Value,
                    Enum e => Convert.ToInt32(e, CultureInfo.InvariantCulture),
                    _ => value,
                };
            }

            await cmd.ExecuteNonQueryAsync(ct);
            count++;
        }

        return count;
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
            var createdAt = Now.AddDays(-_rnd.Double(95, 900)).AddSeconds(-_rnd.Int(0, 86_399));
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

                PlanOutcome(send, sentAt);
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
