using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Sharing;
using BlazorVault.Tests.Infrastructure;
using Bunit;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Tests.Sharing;

public sealed class LinksPageTests : BunitContext, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private const string Password = "open sesame 42";

    private readonly VaultServices _vault;
    private FileItem _report = null!;
    private FileItem _photo = null!;

    public LinksPageTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        _vault = VaultServices.Register(this);
    }

    public async ValueTask InitializeAsync()
    {
        await _vault.InitializeAsync();
        _report = await _vault.SeedAsync("report.pdf", [1, 2, 3]);
        _photo = await _vault.SeedAsync("photo.jpg", [4, 5]);
    }

    private ShareLinkService Links => Services.GetRequiredService<ShareLinkService>();

    private async Task<ShareLinkInfo> CreateAsync(FileItem file, int? maxDownloads = null, string? password = null) =>
        Assert.IsType<CreateLinkResult.Created>(await Links.CreateAsync(VaultServices.UserId, file.Id, TimeSpan.FromDays(1), maxDownloads, password)).Link;

    private async Task ChangeRowAsync(Guid linkId, Func<ShareLink, Task>? change = null, Action<ShareLink>? set = null)
    {
        var factory = Services.GetRequiredService<IDbContextFactory<VaultDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var row = await db.ShareLinks.SingleAsync(l => l.Id == linkId);
        set?.Invoke(row);
        if (change is not null)
        {
            await change(row);
        }

        await db.SaveChangesAsync();
    }

    private IRenderedComponent<LinksPage> RenderPage()
    {
        var cut = Render<LinksPage>();
        cut.WaitForAssertion(() => Assert.DoesNotContain("Loading…", cut.Markup, StringComparison.Ordinal), Wait);
        return cut;
    }

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<LinksPage> cut, string fileName) =>
        Assert.Single(cut.FindAll("[data-testid=link-row]"), r => r.QuerySelector("[data-testid=link-file]")!.TextContent == fileName);

    [Fact]
    public void Page_WithoutLinks_SaysSo()
    {
        var cut = RenderPage();
        Assert.NotNull(cut.Find("[data-testid=links-none]"));
    }

    [Fact]
    public async Task Page_ListsEveryLink_WithItsFileLimitPasswordPauseAndState()
    {
        var locked = await CreateAsync(_report, maxDownloads: 5, password: Password);
        var revoked = await CreateAsync(_photo);
        var usedUp = await CreateAsync(_photo, maxDownloads: 1);
        Assert.True(await Links.RevokeAsync(VaultServices.UserId, revoked.Id));
        await ChangeRowAsync(usedUp.Id, set: l => l.Downloads = 1);
        await ChangeRowAsync(locked.Id, set: l => l.PausedUntil = DateTimeOffset.UtcNow.AddMinutes(10));

        var cut = RenderPage();

        var rows = cut.FindAll("[data-testid=link-row]");
        Assert.Equal(3, rows.Count);
        var report = Row(cut, "report.pdf");
        Assert.Equal("Active", report.GetAttribute("data-state"));
        Assert.NotNull(report.QuerySelector("[data-testid=link-password]"));
        Assert.Contains("Paused until", report.QuerySelector("[data-testid=link-paused]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("0 of 5 downloads used", report.QuerySelector("[data-testid=link-downloads]")!.TextContent);
        Assert.EndsWith("/s/" + locked.PublicId, report.QuerySelector("[data-testid=link-url]")!.GetAttribute("value"), StringComparison.Ordinal);

        var states = rows.Where(r => r.QuerySelector("[data-testid=link-file]")!.TextContent == "photo.jpg").Select(r => r.GetAttribute("data-state")).Order().ToList();
        Assert.Equal(["Revoked", "UsedUp"], states);
        var gone = Assert.Single(rows, r => r.GetAttribute("data-state") == "Revoked");
        Assert.Null(gone.QuerySelector("[data-testid=link-url]"));
        Assert.Null(gone.QuerySelector("[data-testid=link-revoke]"));
        Assert.Null(gone.QuerySelector("[data-testid=link-edit]"));
        Assert.NotNull(gone.QuerySelector("[data-testid=link-log]"));
        Assert.Null(gone.QuerySelector("[data-testid=link-password]"));
        Assert.Equal("Revoked", gone.QuerySelector("[data-testid=link-state]")!.TextContent);
    }

    [Fact]
    public async Task Edit_SetsAPasswordAndALimit_AndKeepsTheUrl()
    {
        var link = await CreateAsync(_report);
        var cut = RenderPage();

        Row(cut, "report.pdf").QuerySelector("[data-testid=link-edit]")!.Click();
        cut.Find("[data-testid=link-edit-max]").Change("3");
        cut.Find("[data-testid=link-edit-password-action]").Change("set");
        cut.Find("[data-testid=link-edit-password]").Change(Password);
        cut.Find("[data-testid=link-edit-save]").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=link-edit-dialog]")), Wait);
        cut.WaitForAssertion(() => Assert.NotNull(Row(cut, "report.pdf").QuerySelector("[data-testid=link-password]")), Wait);
        Assert.Equal("0 of 3 downloads used", Row(cut, "report.pdf").QuerySelector("[data-testid=link-downloads]")!.TextContent);
        var owned = await Links.GetOwnedAsync(VaultServices.UserId, link.Id);
        Assert.True(owned!.Link.HasPassword);
        Assert.Equal(link.PublicId, owned.Link.PublicId);
        Assert.Null(await Links.PeekAsync(link.PublicId));
    }

    [Fact]
    public async Task Edit_RemovesThePassword_AndATooShortOneIsRefusedWithAMessage()
    {
        var link = await CreateAsync(_report, password: Password);
        var cut = RenderPage();
        Row(cut, "report.pdf").QuerySelector("[data-testid=link-edit]")!.Click();

        cut.Find("[data-testid=link-edit-password-action]").Change("set");
        cut.Find("[data-testid=link-edit-password]").Change("short");
        cut.Find("[data-testid=link-edit-save]").Click();
        cut.WaitForAssertion(() => Assert.Contains("8 to 256 characters", cut.Find("[data-testid=link-edit-error]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Null(await Links.PeekAsync(link.PublicId));

        cut.Find("[data-testid=link-edit-password-action]").Change("remove");
        cut.Find("[data-testid=link-edit-save]").Click();
        cut.WaitForAssertion(() => Assert.Null(Row(cut, "report.pdf").QuerySelector("[data-testid=link-password]")), Wait);
        Assert.NotNull(await Links.PeekAsync(link.PublicId));
    }

    [Fact]
    public async Task Revoke_AfterConfirming_EndsTheLinkAndKeepsItListed()
    {
        var link = await CreateAsync(_report);
        var cut = RenderPage();

        Row(cut, "report.pdf").QuerySelector("[data-testid=link-revoke]")!.Click();
        cut.Find("[data-testid=confirm-ok]").Click();

        cut.WaitForAssertion(() => Assert.Equal("Revoked", Row(cut, "report.pdf").GetAttribute("data-state")), Wait);
        Assert.Null(await Links.PeekAsync(link.PublicId));
    }

    [Fact]
    public async Task Log_ShowsTheEntriesNewestFirst_APageAtATime()
    {
        var link = await CreateAsync(_report, password: Password);
        var log = Services.GetRequiredService<ShareAccessLog>();
        var client = new ShareClient("203.0.113.77", UserAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0");
        for (var i = 0; i < LinkLogDialog.PageSize + 4; i++)
        {
            log.Record(link.Id, ShareAccessKind.PageView, client);
        }

        log.Record(link.Id, ShareAccessKind.DownloadCompleted, client, 2048);
        await log.FlushAsync();
        var cut = RenderPage();

        Row(cut, "report.pdf").QuerySelector("[data-testid=link-log]")!.Click();

        cut.WaitForAssertion(() => Assert.Equal(LinkLogDialog.PageSize, cut.FindAll("[data-testid=link-log-entry]").Count), Wait);
        var newest = cut.FindAll("[data-testid=link-log-entry]")[0];
        Assert.Contains($"Download completed ({FileDisplay.Size(2048)})", newest.TextContent, StringComparison.Ordinal);
        Assert.Contains("Firefox · 203.0.113.0/24", newest.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("203.0.113.77", cut.Markup, StringComparison.Ordinal);
        Assert.Equal("1–20 of 25", cut.Find("[data-testid=link-log-position]").TextContent);

        cut.Find("[data-testid=link-log-older]").Click();
        cut.WaitForAssertion(() => Assert.Equal(5, cut.FindAll("[data-testid=link-log-entry]").Count), Wait);
        Assert.True(cut.Find("[data-testid=link-log-older]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task QrCode_IsAnSvgOfTheLinksUrl()
    {
        var link = await CreateAsync(_report);
        var cut = RenderPage();

        Row(cut, "report.pdf").QuerySelector("[data-testid=link-qr]")!.Click();

        var image = cut.Find("[data-testid=link-qr-image]").GetAttribute("src")!;
        Assert.StartsWith("data:image/svg+xml;base64,", image, StringComparison.Ordinal);
        var svg = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(image["data:image/svg+xml;base64,".Length..]));
        Assert.Contains("<svg", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", svg, StringComparison.Ordinal);
        Assert.EndsWith("/s/" + link.PublicId, cut.Find("[data-testid=link-qr-url]").TextContent, StringComparison.Ordinal);
        Assert.Equal(LinkQrCode.Svg("http://localhost/s/" + link.PublicId), svg);
    }
}
