namespace BounceAdmin.Identity;

/// <summary>
/// Marks a method that checks the caller's right to act and throws <see cref="ForbiddenException"/> when it is missing
/// (a role, an API key's scope). The role-check test counts a call to any such method as the check a data-changing
/// service method needs, and holds every marked method to refusing an anonymous caller.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class AccessCheckAttribute : Attribute;
