using System.ComponentModel;
using System.Diagnostics;

namespace BounceAdmin.Cli;

/// <summary>
/// Runs <c>classify</c> as the native executable that the build puts next to the app (Classify/BounceAdmin.Classify.csproj:
/// the same <see cref="ClassifyCommand"/>, compiled ahead of time), when it is there. Its output, errors and exit code
/// are the command's own; it only starts and runs faster (no runtime to start, no code to load or compile).
/// </summary>
public static class NativeClassify
{
    /// <summary>The executable's file name, next to BounceAdmin.dll.</summary>
    public const string FileName = "bounceadmin-classify";

    /// <summary>Set to 1 to run <c>classify</c> in-process even when the native executable is there.</summary>
    public const string InProcessVariable = "BOUNCEADMIN_CLASSIFY_IN_PROCESS";

    /// <summary>The native executable's path, or null when it is not there or in-process was asked for.</summary>
    public static string? Executable(string baseDirectory)
    {
        if (Environment.GetEnvironmentVariable(InProcessVariable) is "1" or "true")
        {
            return null;
        }

        var path = Path.Combine(baseDirectory, FileName);
        return File.Exists(path) ? path : null;
    }

    /// <summary>
    /// Runs the native executable with <paramref name="args"/>, sharing this process's standard input, output and error,
    /// and returns its exit code; null when there is none or it cannot be started (then nothing was written, and the
    /// caller runs the command in-process).
    /// </summary>
    public static int? TryRun(string[] args, string? baseDirectory = null)
    {
        if (Executable(baseDirectory ?? AppContext.BaseDirectory) is not { } path)
        {
            return null;
        }

        var start = new ProcessStartInfo(path) { UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            process.WaitForExit();
            return process.ExitCode;
        }
        catch (Win32Exception)
        {
            // Not executable here (permissions, another architecture): the in-process command does the same work.
            return null;
        }
    }
}
