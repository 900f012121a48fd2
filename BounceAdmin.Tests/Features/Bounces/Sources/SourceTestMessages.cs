using System.IO.Compression;
using BounceAdmin.Tests.TestInfrastructure;

namespace BounceAdmin.Tests.Features.Bounces.Sources;

/// <summary>Bounce messages for the source tests: an RFC 3464 report for one recipient, and a zip of several.</summary>
public static class SourceTestMessages
{
    public static byte[] Dsn(string recipient, string id) => TestBounces.Dsn(recipient, id: id);

    public static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(content);
            }
        }

        return buffer.ToArray();
    }
}
