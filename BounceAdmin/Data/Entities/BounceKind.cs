namespace BounceAdmin.Data.Entities;

/// <summary>Hard, soft or none (not a bounce).</summary>
public enum BounceKind
{
    None = 0,
    Soft = 1,
    Hard = 2,
}
