using System.Globalization;
using BlazorVault.Files;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>The list's sizes and times as the viewer's browser is set up: its language's formats, its time zone.</summary>
public abstract class ViewerCultureBrowserTests(BrowserFixture browser, string locale, string timeZone) : DashboardBrowserTest(browser)
{
    protected override BrowserNewContextOptions? ContextOptions => new() { Locale = locale, TimezoneId = timeZone };

    [Fact]
    public async Task TheList_ShowsSizesAndUploadTimesInTheViewersFormatsAndTimeZone()
    {
        await OpenDashboardWithFilesAsync(RandomFile("holiday.jpg", 1_500_000, "image/jpeg"));
        var stored = Assert.Single(await StoredFilesAsync());
        var culture = CultureInfo.GetCultureInfo(locale);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        string expectedTime;
        string expectedSize;
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = culture;
        try
        {
            expectedTime = FileDisplay.Date(stored.CreatedAt, DateTimeOffset.UtcNow, zone);
            expectedSize = FileDisplay.Size(stored.Size);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }

        // The formats differ as they should, whatever the test machine's own culture.
        Assert.Equal(locale == "de-DE" ? "1,5 MB" : "1.5 MB", expectedSize);
        Assert.Equal(locale == "en-US", expectedTime.Contains('M', StringComparison.Ordinal));
        var row = Page.Locator("table.file-grid > tbody > tr").First;
        await Expect(row.Locator("time")).ToHaveTextAsync(expectedTime);
        await Expect(row.Locator("td.col-size")).ToHaveTextAsync(expectedSize);
    }

    /// <summary>12-hour times, a decimal point, six hours behind Central Europe.</summary>
    public sealed class InNewYork(BrowserFixture browser) : ViewerCultureBrowserTests(browser, "en-US", "America/New_York");

    /// <summary>24-hour times, a decimal comma.</summary>
    public sealed class InBerlin(BrowserFixture browser) : ViewerCultureBrowserTests(browser, "de-DE", "Europe/Berlin");
}
