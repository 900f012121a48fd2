namespace BounceAdmin.Identity;

/// <summary>
/// Marks a public service method that changes data without checking the caller's role, because no user ever calls it:
/// it runs at start-up, from the command line or inside a request before any identity exists. The reason is
/// required and the role-check test lists every method so marked. Everything a page, an endpoint or a background
/// job calls for a user checks the role instead (<see cref="CurrentUserExtensions.RequireRoleAsync"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class SystemOperationAttribute(string reason) : Attribute
{
    public string Reason { get; } = reason;
}
