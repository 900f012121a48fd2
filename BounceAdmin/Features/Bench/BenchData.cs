using BounceAdmin.Features.Bounces;

namespace BounceAdmin.Features.Bench;

/// <summary>
/// The deterministic shape of the synthetic data: names, receiving domains (Zipf-like: a few mailbox providers carry most
/// addresses, then a long tail of corporate domains), bounce reasons per category. A person's attributes are a pure
/// function of (seed, id), so the generator never keeps a million addresses in memory.
/// </summary>
internal sealed class BenchData
{
    private static readonly string[] FirstNames =
    [
        "Anna", "Ben", "Carla", "David", "Emma", "Finn", "Greta", "Hugo", "Ines", "Jonas", "Klara", "Lukas", "Mia", "Noah",
        "Olga", "Paul", "Quinn", "Rosa", "Sven", "Tina", "Umar", "Vera", "Wim", "Xenia", "Yara", "Zoe", "Arjen", "Bram",
        "Chloe", "Daan", "Eva", "Fleur", "Gijs", "Hanna", "Isa", "Jesse", "Kim", "Lars", "Maud", "Nina", "Otto", "Pim",
        "Ruben", "Sara", "Thijs", "Lotte", "Milan", "Julia", "Sem", "Sophie",
    ];

    private static readonly string[] LastNames =
    [
        "Smith", "Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos",
        "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "Johnson", "Williams",
        "Brown", "Jones", "Garcia", "Miller", "Davis", "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard",
        "Petit", "Durand", "Muller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
        "Hoffmann", "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi",
    ];

    private static readonly string[] CompanyWords =
    [
        "north", "blue", "river", "stone", "bright", "green", "delta", "prime", "silver", "summit", "harbor", "iron",
        "maple", "nova", "orbit", "pixel", "quartz", "rapid", "solar", "terra", "urban", "vector", "west", "zen",
    ];

    private static readonly string[] CompanyKinds =
    [
        "logistics", "media", "labs", "foods", "bank", "health", "energy", "systems", "retail", "travel", "works",
        "consulting", "software", "motors", "insurance", "partners", "studio", "group", "telecom", "design",
    ];

    /// <summary>Mailbox providers and their share of all addresses; the rest is the corporate long tail.</summary>
    private static readonly (string Domain, double Share)[] Providers =
    [
        ("gmail.com", 0.27), ("yahoo.com", 0.08), ("outlook.com", 0.06), ("hotmail.com", 0.06), ("icloud.com", 0.04),
        ("aol.com", 0.015), ("gmx.de", 0.015), ("web.de", 0.015), ("orange.fr", 0.012), ("comcast.net", 0.012),
        ("live.nl", 0.01), ("ziggo.nl", 0.01), ("kpnmail.nl", 0.008), ("libero.it", 0.008), ("yahoo.co.uk", 0.008),
        ("btinternet.com", 0.007), ("protonmail.com", 0.005), ("mail.ru", 0.005), ("t-online.de", 0.005), ("free.fr", 0.005),
    ];

    private const int CorporateDomains = 5_000;

    /// <summary>Reasons per category (SPEC §3) with a rough real-world weight, and the SMTP details a report would carry.</summary>
    internal static readonly (int Category, double Share, (string Reason, string Status, int Code, string Diagnostic)[] Reasons)[] Categories =
    [
        (BounceTaxonomy.Block, 0.12, [
            ("blocked", "5.7.1", 554, "554 5.7.1 Service unavailable; client host blocked using a block list"),
            ("spamdetected", "5.7.1", 550, "550 5.7.1 Message rejected as spam"),
            ("policyviolation", "5.7.1", 550, "550 5.7.1 Rejected for policy reasons"),
            ("badreputation", "5.7.1", 421, "550 5.7.1 Sender reputation too low")]),
        (BounceTaxonomy.Invalid, 0.40, [
            ("userunknown", "5.1.1", 550, "550 5.1.1 The email account that you tried to reach does not exist"),
            ("hostunknown", "5.1.2", 550, "550 5.1.2 Host unknown: domain does not exist"),
            ("hasmoved", "5.1.6", 550, "550 5.1.6 Recipient has moved")]),
        (BounceTaxonomy.Temporary, 0.28, [
            ("mailboxfull", "4.2.2", 452, "452 4.2.2 The email account that you tried to reach is over quota"),
            ("toomanyconn", "4.7.0", 421, "421 4.7.0 Too many concurrent connections"),
            ("expired", "4.4.7", 451, "451 4.4.7 Delivery time expired"),
            ("speeding", "4.7.28", 421, "421 4.7.28 Rate limited, try again later")]),
        (BounceTaxonomy.Technical, 0.12, [
            ("networkerror", "4.4.1", 421, "421 4.4.1 Connection timed out"),
            ("systemerror", "4.3.0", 451, "451 4.3.0 Temporary system error"),
            ("failedstarttls", "4.7.0", 454, "454 4.7.0 TLS not available")]),
        (BounceTaxonomy.Unknown, 0.08, [
            ("undefined", "5.0.0", 550, "550 5.0.0 Unrouteable address"),
            ("onhold", "4.0.0", 450, "450 4.0.0 Message on hold")]),
    ];

    private readonly ulong _seed;
    private readonly string[] _domains;
    private readonly double[] _domainCdf;

    public BenchData(int seed)
    {
        _seed = (ulong)seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL;
        var domains = new List<string>(Providers.Length + CorporateDomains);
        var weights = new List<double>(Providers.Length + CorporateDomains);
        foreach (var (domain, share) in Providers)
        {
            domains.Add(domain);
            weights.Add(share);
        }

        // The long tail: corporate domains with Zipf weights 1/(k+5), scaled to the share the providers leave.
        var tailShare = 1 - Providers.Sum(p => p.Share);
        var zipf = Enumerable.Range(1, CorporateDomains).Select(k => 1.0 / (k + 5)).ToArray();
        var zipfSum = zipf.Sum();
        for (var k = 0; k < CorporateDomains; k++)
        {
            var word = CompanyWords[k % CompanyWords.Length];
            var kind = CompanyKinds[k / CompanyWords.Length % CompanyKinds.Length];
            var round = k / (CompanyWords.Length * CompanyKinds.Length);
            domains.Add(round == 0 ? $"{word}{kind}.com" : $"{word}{kind}{round}.com");
            weights.Add(tailShare * zipf[k] / zipfSum);
        }

        _domains = [.. domains];
        _domainCdf = new double[weights.Count];
        var acc = 0.0;
        for (var i = 0; i < weights.Count; i++)
        {
            acc += weights[i];
            _domainCdf[i] = acc;
        }
    }

    public int DomainCount => _domains.Length;

    public string DomainName(int index) => _domains[index];

    /// <summary>The receiving domain index of a person.</summary>
    public int DomainOf(int personId)
    {
        var u = (Hash(personId, 1) >> 11) * (1.0 / (1UL << 53)) * _domainCdf[^1];
        var i = Array.BinarySearch(_domainCdf, u);
        return Math.Min(i < 0 ? ~i : i, _domains.Length - 1);
    }

    /// <summary>About 0.5% of people have no email address at all.</summary>
    public bool HasEmail(int personId) => Hash(personId, 2) % 1000 >= 5;

    /// <summary>Dead addresses: every send to them hard-bounces (Category 2) with high probability.</summary>
    public bool IsDead(int personId, double deadShare) => (Hash(personId, 3) >> 11) * (1.0 / (1UL << 53)) < deadShare;

    public (string First, string Last) NameOf(int personId)
    {
        var h = Hash(personId, 4);
        return (FirstNames[h % (ulong)FirstNames.Length], LastNames[(h >> 20) % (ulong)LastNames.Length]);
    }

    /// <summary>The address as entered (mixed case) and its lower-case key.</summary>
    public (string Email, string Normalized, string Domain) EmailOf(int personId)
    {
        var (first, last) = NameOf(personId);
        var domain = _domains[DomainOf(personId)];
        var email = $"{first}.{last.Replace(" ", "", StringComparison.Ordinal)}{personId}@{domain}";
        return (email, email.ToLowerInvariant(), domain);
    }

    public string CompanyOf(int personId)
    {
        var h = Hash(personId, 5);
        return $"{char.ToUpperInvariant(CompanyWords[h % (ulong)CompanyWords.Length][0])}{CompanyWords[h % (ulong)CompanyWords.Length][1..]} "
            + $"{CompanyKinds[(h >> 16) % (ulong)CompanyKinds.Length]}";
    }

    /// <summary>A stable 64-bit hash of (seed, id, stream) (SplitMix64 finaliser).</summary>
    public ulong Hash(long id, int stream)
    {
        var z = _seed + (ulong)id * 0xBF58476D1CE4E5B9UL + (ulong)stream * 0x94D049BB133111EBUL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Draws a non-deadly bounce: category by share, then a reason of that category.</summary>
    public static (int Category, string Reason, string Status, int Code, string Diagnostic) DrawBounce(Random rng, bool dead)
    {
        var cat = Categories[1];
        if (!dead)
        {
            // Soft-ish mix for live addresses: no Category 2 (that is what dead addresses produce).
            var u = rng.NextDouble() * (1 - Categories[1].Share);
            foreach (var c in Categories)
            {
                if (c.Category == BounceTaxonomy.Invalid)
                {
                    continue;
                }

                cat = c;
                if ((u -= c.Share) < 0)
                {
                    break;
                }
            }
        }

        var r = cat.Reasons[rng.Next(cat.Reasons.Length)];
        return (cat.Category, r.Reason, r.Status, r.Code, r.Diagnostic);
    }
}
