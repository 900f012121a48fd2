using System.Runtime.CompilerServices;
using BounceAdmin.Features.Bounces.Classification;

namespace BounceAdmin.Tests.TestInfrastructure;

/// <summary>
/// Registers the code-page encodings when the test assembly loads, as the app does when its own assembly loads: a test
/// that uses MimeKit before it touches any app type must still see the charset table the app sees.
/// </summary>
internal static class CodePages
{
    [ModuleInitializer]
    internal static void Register() => BounceClassifier.RegisterCodePages();
}
