using BounceAdmin.Identity;

namespace BounceAdmin.Cli;

/// <summary><c>user add --email ADDRESS --role ROLE</c>: creates a user outside Development.</summary>
public static class UserCommand
{
    public const string PasswordVariable = "BOUNCEADMIN_PASSWORD";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] != "add")
        {
            throw new UsageException("Usage: user add --email ADDRESS --role Marketer|Manager|Admin");
        }

        string? email = null, role = null;
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--email" when i + 1 < args.Length: email = args[++i]; break;
                case "--role" when i + 1 < args.Length: role = args[++i]; break;
                default: rest.Add(args[i]); break;
            }
        }

        if (string.IsNullOrWhiteSpace(email) || !email.Contains('@'))
        {
            throw new UsageException("user add needs --email ADDRESS.");
        }

        role = Roles.All.FirstOrDefault(r => string.Equals(r, role, StringComparison.OrdinalIgnoreCase))
            ?? throw new UsageException($"user add needs --role, one of: {string.Join(", ", Roles.All)}.");

        var password = Environment.GetEnvironmentVariable(PasswordVariable);
        if (string.IsNullOrEmpty(password))
        {
            if (Console.IsInputRedirected)
            {
                throw new UsageException($"Set {PasswordVariable} or run interactively to be asked for the password.");
            }

            password = ReadPassword($"Password for {email}: ");
        }

        await using var app = await CommandLine.BuildHostAsync([.. rest]);
        await using var scope = app.Services.CreateAsyncScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<IdentitySeeder>().CreateUserAsync(email.Trim(), password, role);
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 1;
        }

        Console.WriteLine($"Created {email} with the role {role}.");
        return 0;
    }

    private static string ReadPassword(string prompt)
    {
        Console.Write(prompt);
        var chars = new List<char>();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (chars.Count > 0) chars.RemoveAt(chars.Count - 1); continue; }
            chars.Add(key.KeyChar);
        }

        Console.WriteLine();
        return new string([.. chars]);
    }
}
