using BounceAdmin.Features.Import;

namespace BounceAdmin.Tests.Features.Import;

/// <summary>The values of an import row: addresses, yes/no cells, times (a time without an offset is UTC).</summary>
public sealed class ImportValuesTests
{
    [Theory]
    [InlineData("ada@example.com")]
    [InlineData("first.last+tag@sub.example.co.uk")]
    [InlineData("o'brien@example.ie")]
    [InlineData("x@müller.de")]
    public void BareAddressesAreAccepted(string address) => Assert.Null(ImportValues.AddressProblem(address));

    [Theory]
    [InlineData("Ada Lovelace <ada@example.com>", "display name")]
    [InlineData("ada lovelace@example.com", "space")]
    [InlineData("ada@@example.com", "more than one @")]
    [InlineData("a@b@example.com", "more than one @")]
    [InlineData("ada.example.com", "no @")]
    [InlineData("@example.com", "nothing before the @")]
    [InlineData("ada@", "nothing after the @")]
    [InlineData("ada@localhost", "no dot")]
    [InlineData("ada..b@example.com", "two dots")]
    [InlineData("ada@exa_mple.com", "contains '_'")]
    [InlineData("ada@-example.com", "starts or ends with '-'")]
    [InlineData("a@example.com,b@example.com", "one address per row")]
    [InlineData("ada[1]@example.com", "RFC 5322")]
    public void MalformedAddressesAreRefusedWithTheirReason(string address, string reason)
        => Assert.Contains(reason, ImportValues.AddressProblem(address), StringComparison.Ordinal);

    [Fact]
    public void OverLongAddressesAreRefused()
    {
        Assert.Contains("at most 64", ImportValues.AddressProblem(new string('a', 65) + "@example.com"), StringComparison.Ordinal);
        Assert.Contains("at most 254", ImportValues.AddressProblem("a@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 5)) + ".com"), StringComparison.Ordinal);
        Assert.Null(ImportValues.AddressProblem(new string('a', 64) + "@example.com"));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("Yes", true)]
    [InlineData("1", true)]
    [InlineData("y", true)]
    [InlineData("FALSE", false)]
    [InlineData("no", false)]
    [InlineData("0", false)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void YesNoCellsAreRead(string? text, bool? expected)
    {
        Assert.True(ImportValues.TryParseBool(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("2")]
    [InlineData("oui")]
    public void OtherTextIsNotABoolean(string text) => Assert.False(ImportValues.TryParseBool(text, out _));

    [Theory]
    [InlineData("2024-05-01T14:30:00Z", "2024-05-01T14:30:00", false)]
    [InlineData("2024-05-01T16:30:00+02:00", "2024-05-01T14:30:00", false)]
    [InlineData("2024-05-01 09:30:00-05:00", "2024-05-01T14:30:00", false)]
    [InlineData("2024-05-01T14:30:00", "2024-05-01T14:30:00", true)]
    [InlineData("2024-05-01 14:30", "2024-05-01T14:30:00", true)]
    [InlineData("2024-05-01", "2024-05-01T00:00:00", true)]
    public void TimesAreReadAsUtc_ATimeWithoutAnOffsetIsUtc(string text, string expectedUtc, bool noOffset)
    {
        Assert.True(ImportValues.TryParseTime(text, fromSpreadsheet: false, out var utc, out var hadNoOffset));
        Assert.Equal(DateTime.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), utc);
        Assert.Equal(DateTimeKind.Utc, utc!.Value.Kind);
        Assert.Equal(noOffset, hadNoOffset);
    }

    [Theory]
    [InlineData("01/05/2024")]
    [InlineData("May 1, 2024")]
    [InlineData("2024-13-01")]
    [InlineData("45000")]
    public void AmbiguousOrInvalidTimesAreRefusedInCsv(string text)
        => Assert.False(ImportValues.TryParseTime(text, fromSpreadsheet: false, out _, out _));

    [Fact]
    public void ASpreadsheetSerialNumberIsAnExcelDateInUtc()
    {
        Assert.True(ImportValues.TryParseTime("45413.6041666667", fromSpreadsheet: true, out var utc, out var noOffset));
        Assert.Equal(new DateTime(2024, 5, 1, 14, 30, 0, DateTimeKind.Utc), utc!.Value.AddTicks(-(utc.Value.Ticks % TimeSpan.TicksPerSecond)));
        Assert.True(noOffset);
    }

    [Fact]
    public void HeadersAreMatchedWithoutCaseSpacesOrDashes()
    {
        Assert.Equal(ImportField.Email, ImportFields.Detect("E-mail"));
        Assert.Equal(ImportField.Email, ImportFields.Detect("Email Address"));
        Assert.Equal(ImportField.Email, ImportFields.Detect(" email "));
        Assert.Equal(ImportField.EmailSuspendedAt, ImportFields.Detect("Email Suspended At"));
        Assert.Equal(ImportField.EmailInvalidCause, ImportFields.Detect("email_invalid_cause"));
        Assert.Equal(ImportField.MarketingSuspended, ImportFields.Detect("Marketing Suspended"));
        Assert.Equal(ImportField.Ignore, ImportFields.Detect("Lead Score"));
    }
}
