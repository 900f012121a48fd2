using BounceAdmin.Cli;
using BounceAdmin.Features.Bench;

namespace BounceAdmin.Tests.Features.Bench;

public sealed class BenchOptionsTests
{
    [Fact]
    public void Defaults_AreTheIssuesSizes()
    {
        var o = BenchOptions.Parse([]);

        Assert.Equal((1_000_000, 2_000, 10_000_000L, 1_000_000L), (o.People, o.Emails, o.Sends, o.Bounces));
    }

    [Fact]
    public void Options_AreRead()
    {
        var o = BenchOptions.Parse(["--people", "100_000", "--emails", "20", "--sends", "1000000", "--bounces", "5", "--db", "/tmp/x.db", "--reuse"]);

        Assert.Equal((100_000, 20, 1_000_000L, 5L, "/tmp/x.db", true), (o.People, o.Emails, o.Sends, o.Bounces, o.DbPath, o.ReuseDb));
    }

    [Theory]
    [InlineData("--people", "ten")]
    [InlineData("--sends", "0")]
    [InlineData("--frobnicate", "1")]
    [InlineData("--bounces", "2000", "--sends", "1000")]
    [InlineData("--db")]
    public async Task Mistakes_AreUsageErrors_BeforeAnythingIsBuilt(params string[] args)
    {
        var output = new StringWriter();

        await Assert.ThrowsAsync<UsageException>(() => BenchCommand.RunAsync(args, output));

        Assert.Equal("", output.ToString());
    }
}
