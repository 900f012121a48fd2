using BounceAdmin.Data.Entities;

namespace BounceAdmin.Data;

/// <summary>The labels of the five bounce fields exactly as the Person Info tab shows them; audit entries use them too.</summary>
public static class FieldLabels
{
    public const string EmailSuspended = "Email Suspended";
    public const string EmailSuspendedCause = "Email Suspended Cause";
    public const string EmailSuspendedAt = "Email Suspended At";
    public const string EmailInvalid = "Email Invalid";
    public const string EmailInvalidCause = "Email Invalid Cause";

    public static string Of(string propertyName) => propertyName switch
    {
        nameof(Person.EmailSuspended) => EmailSuspended,
        nameof(Person.EmailSuspendedCause) => EmailSuspendedCause,
        nameof(Person.EmailSuspendedAt) => EmailSuspendedAt,
        nameof(Person.EmailInvalid) => EmailInvalid,
        nameof(Person.EmailInvalidCause) => EmailInvalidCause,
        _ => propertyName,
    };
}
