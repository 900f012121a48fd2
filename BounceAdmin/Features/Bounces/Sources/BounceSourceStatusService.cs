using BounceAdmin.Identity;

namespace BounceAdmin.Features.Bounces.Sources;

/// <summary>The Admin's view of the automatic bounce sources (their folder paths and hosts are not for everyone).</summary>
public sealed class BounceSourceStatusService(BounceSourceStatusBoard board, ICurrentUser currentUser)
{
    /// <summary>Every started source's status (Admin only).</summary>
    public async Task<IReadOnlyList<BounceSourceStatus>> ListAsync()
    {
        await currentUser.RequireRoleAsync(Roles.Admin);
        return board.All;
    }
}
