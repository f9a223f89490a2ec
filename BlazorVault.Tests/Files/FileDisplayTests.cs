using System.Globalization;
using BlazorVault.Files;

namespace BlazorVault.Tests.Files;

public sealed class FileDisplayTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(999, "999 B")]
    [InlineData(1000, "1.0 kB")]
    [InlineData(1024, "1.0 kB")]
    [InlineData(1500, "1.5 kB")]
    [InlineData(999_949, "999.9 kB")]
    // Rounds up into the next unit rather than reading "1000.0 kB".
    [InlineData(999_950, "1.0 MB")]
    [InlineData(20_000_000, "20.0 MB")]
    [InlineData(10 * 1024 * 1024, "10.5 MB")]
    [InlineData(5_000_000_000, "5.0 GB")]
    public void Size_CountsInDecimalUnitsAsTheirLabelsSay(long bytes, string expected)
    {
        using var culture = new CultureScope(CultureInfo.InvariantCulture);

        Assert.Equal(expected, FileDisplay.Size(bytes));
    }

    [Fact]
    public void SizeAndSpeed_UseTheViewersDecimalSeparator_AndTheSameUnits()
    {
        using var culture = new CultureScope(CultureInfo.GetCultureInfo("de-DE"));

        Assert.Equal("19,5 MB", FileDisplay.Size(19_500_000));
        Assert.Equal("12,5 MB/s", FileDisplay.Speed(12_500_000));
    }

    [Theory]
    [InlineData("image/png", FileKind.Image)]
    [InlineData("video/mp4", FileKind.Video)]
    [InlineData("audio/mpeg", FileKind.Audio)]
    [InlineData("application/pdf", FileKind.Pdf)]
    [InlineData("application/zip", FileKind.Archive)]
    [InlineData("text/plain; charset=utf-8", FileKind.Text)]
    [InlineData("application/ld+json", FileKind.Text)]
    [InlineData("application/octet-stream", FileKind.Other)]
    public void KindOf_GroupsContentTypesForTheirIcon(string contentType, FileKind expected) =>
        Assert.Equal(expected, FileDisplay.KindOf(contentType));

    [Fact]
    public void CssPercent_UsesADotWhateverTheCultureAndStaysWithinZeroToHundred()
    {
        using var culture = new CultureScope(CultureInfo.GetCultureInfo("de-DE"));

        Assert.Equal("12.5", FileDisplay.CssPercent(12.5));
        Assert.Equal("100", FileDisplay.CssPercent(140));
        Assert.Equal("0", FileDisplay.CssPercent(-3));
    }

    [Fact]
    public void Date_SaysTodayAndYesterdayInTheViewersTimeZone()
    {
        using var culture = new CultureScope(CultureInfo.InvariantCulture);
        var now = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
        var zone = TimeZoneInfo.CreateCustomTimeZone("UTC+2", TimeSpan.FromHours(2), "UTC+2", "UTC+2");

        Assert.Equal("Today, 09:30", FileDisplay.Date(now.AddHours(-4.5), now, zone));
        // 23:30 UTC on the 8th is already the 9th, 01:30, two hours east.
        Assert.Equal("Yesterday, 01:30", FileDisplay.Date(new DateTimeOffset(2026, 3, 8, 23, 30, 0, TimeSpan.Zero), now, zone));
        Assert.Equal("03/01/2026, 08:00", FileDisplay.Date(new DateTimeOffset(2026, 3, 1, 6, 0, 0, TimeSpan.Zero), now, zone));
    }

    [Theory]
    [InlineData("en-US", "Today, 9:30 AM", "3/1/2026, 8:00 AM")]
    [InlineData("de-DE", "Today, 09:30", "01.03.2026, 08:00")]
    [InlineData("en-GB", "Today, 09:30", "01/03/2026, 08:00")]
    public void Date_WritesTheTimeAndDateAsTheViewersCultureDoes(string name, string today, string earlier)
    {
        using var culture = new CultureScope(CultureInfo.GetCultureInfo(name));
        var now = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
        var zone = TimeZoneInfo.CreateCustomTimeZone("UTC+2", TimeSpan.FromHours(2), "UTC+2", "UTC+2");

        // ICU puts a narrow no-break space before AM and PM.
        Assert.Equal(today, FileDisplay.Date(now.AddHours(-4.5), now, zone).Replace('\u202F', ' '));
        Assert.Equal(earlier, FileDisplay.Date(new DateTimeOffset(2026, 3, 1, 6, 0, 0, TimeSpan.Zero), now, zone).Replace('\u202F', ' '));
    }

    // The thread's culture must not leak into the next test run on it.
    private sealed class CultureScope : IDisposable
    {
        private readonly CultureInfo _previous = CultureInfo.CurrentCulture;

        public CultureScope(CultureInfo culture) => CultureInfo.CurrentCulture = culture;

        public void Dispose() => CultureInfo.CurrentCulture = _previous;
    }
}
