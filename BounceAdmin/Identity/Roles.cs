namespace BounceAdmin.Identity;

/// <summary>The three roles of SPEC §1; the only place their names are spelt.</summary>
public static class Roles
{
    public const string Marketer = nameof(Marketer);
    public const string Manager = nameof(Manager);
    public const string Admin = nameof(Admin);

    public static readonly IReadOnlyList<string> All = [Marketer, Manager, Admin];

    /// <summary>Roles that may read reports, drill-downs and exports.</summary>
    public const string ReportReaders = Manager + "," + Admin;

    /// <summary>Any role: people, Person Info, bounce history, activity.</summary>
    public const string Anyone = Marketer + "," + Manager + "," + Admin;
}
