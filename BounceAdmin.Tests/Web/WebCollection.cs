using BounceAdmin.Tests.TestInfrastructure;

namespace BounceAdmin.Tests.Web;

/// <summary>One in-process app for all HTTP-level tests: start-up (migrate, seed, hashing) is paid once.</summary>
[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<BounceAdminFactory>
{
    public const string Name = "Web";
}
