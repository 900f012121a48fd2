using BounceAdmin.Features.BounceHealth;

namespace BounceAdmin.Tests.Features.BounceHealth;

public sealed class HealthFrameTests
{
    private static readonly DateTime Now = new(2026, 11, 20, 15, 30, 0, DateTimeKind.Utc);

    private static DateTime Day(int month, int day, int year = 2026) => new(year, month, day, 0, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(HealthFramePreset.Last7Days, 7)]
    [InlineData(HealthFramePreset.Last30Days, 30)]
    [InlineData(HealthFramePreset.Last90Days, 90)]
    public void LastNDaysEndWithTodayIncluded(HealthFramePreset preset, int days)
    {
        var (from, to) = HealthFrame.Resolve(preset, Now, null, null);

        Assert.Equal(Day(11, 21), to);
        Assert.Equal(days, (to - from).TotalDays);
        Assert.Equal(DateTimeKind.Utc, from.Kind);
    }

    [Fact]
    public void ACustomRangeIncludesBothDaysAndPutsSwappedDaysInOrder()
    {
        Assert.Equal((Day(11, 1), Day(11, 11)), HealthFrame.Resolve(HealthFramePreset.Custom, Now, Day(11, 1), Day(11, 10)));
        Assert.Equal((Day(11, 1), Day(11, 11)), HealthFrame.Resolve(HealthFramePreset.Custom, Now, Day(11, 10), Day(11, 1)));
    }

    [Fact]
    public void ACustomRangeIsCutToTheLongestFrameTheServiceAccepts()
    {
        var (from, to) = HealthFrame.Resolve(HealthFramePreset.Custom, Now, Day(1, 1, 2020), Day(11, 20));

        Assert.Equal(Day(11, 21), to);
        Assert.Equal(BounceHealthService.MaxFrameDays, (to - from).TotalDays);
    }

    [Theory]
    [InlineData("last7days", HealthFramePreset.Last7Days)]
    [InlineData("CUSTOM", HealthFramePreset.Custom)]
    [InlineData("nonsense", null)]
    [InlineData("99", null)]
    [InlineData(null, null)]
    public void PresetsAreReadFromTheUrl(string? text, HealthFramePreset? expected)
        => Assert.Equal(expected, HealthFrame.ParsePreset(text));

    [Fact]
    public void DaysAreReadAsUtcAndGarbageIsIgnored()
    {
        Assert.Equal(Day(11, 18), HealthFrame.ParseDay("2026-11-18"));
        Assert.Equal(DateTimeKind.Utc, HealthFrame.ParseDay("2026-11-18")!.Value.Kind);
        Assert.Null(HealthFrame.ParseDay("18/11/2026"));
    }
}
