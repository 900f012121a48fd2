using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BounceAdmin.Features.Bounces.Sources.DropFolder;

/// <summary>
/// Opening a dropped file for reading without following a symbolic link and without blocking on a FIFO (issue 14): on
/// Linux with <c>open(O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)</c>, so a link swapped in after the folder was
/// listed is refused by the kernel rather than followed; elsewhere by checking the entry is no link right before the
/// open. Either way the opened stream must be a seekable regular file.
/// </summary>
internal static class NoFollowFile
{
    /// <summary>Whether <paramref name="file"/> is a plain file: not a symbolic link (or other reparse point), not a FIFO, socket or device.</summary>
    public static bool LooksRegular(FileInfo file)
        => file.Exists && file.LinkTarget is null && !file.Attributes.HasFlag(FileAttributes.ReparsePoint)
           && !file.Attributes.HasFlag(FileAttributes.Device);

    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    /// <exception cref="IOException">It is a link, not a regular file, or cannot be opened now.</exception>
    public static FileStream OpenRead(string path)
    {
        FileStream stream;
        if (OperatingSystem.IsLinux() && Flags() is { } flags)
        {
            var fd = Open(path, flags);
            if (fd < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                // ELOOP (40): the last component is a symbolic link.
                throw new IOException(errno == 40 ? "it is a symbolic link" : $"it cannot be opened (errno {errno})");
            }

            stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read);
        }
        else
        {
            if (!LooksRegular(new FileInfo(path)))
            {
                throw new IOException("it is a symbolic link or not a regular file");
            }

            // FileShare.Read: where the OS enforces it (Windows), a file another process still writes cannot be opened.
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }

        if (!stream.CanSeek)
        {
            // A FIFO, socket or character device opens but cannot seek: not a file that was dropped here.
            stream.Dispose();
            throw new IOException("it is not a regular file");
        }

        return stream;
    }

    // O_NOFOLLOW differs between Linux architectures; O_NONBLOCK and O_CLOEXEC do not (x64 and arm64).
    private static int? Flags() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x20000 | 0x800 | 0x80000,
        Architecture.Arm64 or Architecture.Arm => 0x8000 | 0x800 | 0x80000,
        _ => null,
    };

    // DllImport rather than LibraryImport: the generated stub of the latter needs unsafe code, which the project does not allow.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
#pragma warning restore SYSLIB1054
}
