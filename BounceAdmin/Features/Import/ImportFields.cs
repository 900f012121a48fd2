namespace BounceAdmin.Features.Import;

/// <summary>The person fields a column of an import file can fill.</summary>
public enum ImportField
{
    /// <summary>The column is not imported.</summary>
    Ignore = 0,
    Email,
    FirstName,
    LastName,
    Company,
    Unsubscribed,
    Blocklisted,
    MarketingSuspended,
    EmailSuspended,
    EmailSuspendedCause,
    EmailSuspendedAt,
    EmailInvalid,
    EmailInvalidCause,
}

/// <summary>Labels of the fields and the header names each is recognised by (Marketo's export names included).</summary>
public static class ImportFields
{
    public static string Label(ImportField field) => field switch
    {
        ImportField.Ignore => "(do not import)",
        ImportField.Email => "Email",
        ImportField.FirstName => "First Name",
        ImportField.LastName => "Last Name",
        ImportField.Company => "Company",
        ImportField.Unsubscribed => "Unsubscribed",
        ImportField.Blocklisted => "Blocklisted",
        ImportField.MarketingSuspended => "Marketing Suspended",
        ImportField.EmailSuspended => "Email Suspended",
        ImportField.EmailSuspendedCause => "Email Suspended Cause",
        ImportField.EmailSuspendedAt => "Email Suspended At",
        ImportField.EmailInvalid => "Email Invalid",
        ImportField.EmailInvalidCause => "Email Invalid Cause",
        _ => field.ToString(),
    };

    public static bool IsBoolean(ImportField f) => f is ImportField.Unsubscribed or ImportField.Blocklisted or ImportField.MarketingSuspended
        or ImportField.EmailSuspended or ImportField.EmailInvalid;

    /// <summary>Header spellings, compared after <see cref="Key"/> (case, spaces, '-', '_' and '.' ignored).</summary>
    private static readonly Dictionary<string, ImportField> Known = new(StringComparer.Ordinal)
    {
        ["email"] = ImportField.Email,
        ["emailaddress"] = ImportField.Email,
        ["mail"] = ImportField.Email,
        ["firstname"] = ImportField.FirstName,
        ["givenname"] = ImportField.FirstName,
        ["lastname"] = ImportField.LastName,
        ["surname"] = ImportField.LastName,
        ["familyname"] = ImportField.LastName,
        ["company"] = ImportField.Company,
        ["companyname"] = ImportField.Company,
        ["organization"] = ImportField.Company,
        ["organisation"] = ImportField.Company,
        ["unsubscribed"] = ImportField.Unsubscribed,
        ["blocklisted"] = ImportField.Blocklisted,
        ["blacklisted"] = ImportField.Blocklisted,
        ["marketingsuspended"] = ImportField.MarketingSuspended,
        ["emailsuspended"] = ImportField.EmailSuspended,
        ["emailsuspendedcause"] = ImportField.EmailSuspendedCause,
        ["emailsuspendedat"] = ImportField.EmailSuspendedAt,
        ["emailinvalid"] = ImportField.EmailInvalid,
        ["emailinvalidcause"] = ImportField.EmailInvalidCause,
    };

    /// <summary>A header reduced to lower-case letters and digits: "E-mail Address" → "emailaddress".</summary>
    public static string Key(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return "";
        }

        Span<char> buffer = header.Length <= 256 ? stackalloc char[header.Length] : new char[header.Length];
        var n = 0;
        foreach (var c in header)
        {
            if (char.IsLetterOrDigit(c))
            {
                buffer[n++] = char.ToLowerInvariant(c);
            }
        }

        return new string(buffer[..n]);
    }

    /// <summary>The field a header names, or <see cref="ImportField.Ignore"/>.</summary>
    public static ImportField Detect(string? header) => Known.GetValueOrDefault(Key(header), ImportField.Ignore);
}
