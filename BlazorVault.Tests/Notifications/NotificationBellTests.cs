using BlazorVault.Notifications;
using BlazorVault.Sharing;
using BlazorVault.Tests.Infrastructure;
using Bunit;

namespace BlazorVault.Tests.Notifications;

/// <summary>The bell in the top bar: its badge, its panel, marking read, and a toast when a notification arrives.</summary>
public sealed class NotificationBellTests : BunitContext, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private readonly VaultServices _vault;

    public NotificationBellTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        _vault = VaultServices.Register(this);
    }

    public async ValueTask InitializeAsync() => await _vault.InitializeAsync();

    /// <summary>A download through a new link to a new file, as the share endpoint logs it, written.</summary>
    private async Task<Guid> DownloadedAsync(string name, int length = 3)
    {
        var file = await _vault.SeedAsync(name, new byte[length]);
        var link = Assert.IsType<CreateLinkResult.Created>(
            await Services.GetRequiredService<ShareLinkService>().CreateAsync(VaultServices.UserId, file.Id, TimeSpan.FromDays(1), null)).Link;
        var log = Services.GetRequiredService<ShareAccessLog>();
        var visitor = new ShareClient("203.0.113.7", UserAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0");
        log.Record(link.Id, ShareAccessKind.DownloadStarted, visitor);
        log.Record(link.Id, ShareAccessKind.DownloadCompleted, visitor, length);
        await log.FlushAsync();
        return link.Id;
    }

    private IRenderedComponent<NotificationBell> RenderBell()
    {
        var cut = Render<NotificationBell>();
        cut.WaitForElement("[data-testid=notification-button]", Wait);
        return cut;
    }

    [Fact]
    public async Task Bell_WithNothingUnread_ShowsNoBadge_AndSaysSo()
    {
        var cut = RenderBell();

        Assert.Empty(cut.FindAll("[data-testid=notification-badge]"));
        Assert.Equal("Notifications", cut.Find("[data-testid=notification-button]").GetAttribute("aria-label"));
        cut.Find("[data-testid=notification-button]").Click();
        cut.WaitForElement("[data-testid=notification-none]", Wait);
    }

    [Fact]
    public async Task Bell_CountsUnread_ListsNewestFirst_AndMarkingReadClearsTheBadge()
    {
        await DownloadedAsync("older.pdf", 2048);
        await DownloadedAsync("newer.pdf", 10);

        var cut = RenderBell();

        var button = cut.Find("[data-testid=notification-button]");
        Assert.Equal("2", cut.Find("[data-testid=notification-badge]").TextContent);
        Assert.Equal("Notifications: 2 unread", button.GetAttribute("aria-label"));
        Assert.Equal("false", button.GetAttribute("aria-expanded"));

        button.Click();
        cut.WaitForElements("[data-testid=notification-item]", 2, Wait);
        Assert.Equal("true", cut.Find("[data-testid=notification-button]").GetAttribute("aria-expanded"));
        var items = cut.FindAll("[data-testid=notification-item]");
        Assert.Contains("“newer.pdf” was downloaded", items[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("“older.pdf” was downloaded (2.0 kB, Firefox)", items[1].TextContent, StringComparison.Ordinal);

        items[0].QuerySelector("[data-testid=notification-mark-read]")!.Click();
        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("[data-testid=notification-badge]").TextContent), Wait);
        Assert.Equal("true", cut.FindAll("[data-testid=notification-item]")[0].GetAttribute("data-read"));
        Assert.Equal("false", cut.FindAll("[data-testid=notification-item]")[1].GetAttribute("data-read"));

        cut.Find("[data-testid=notification-mark-all]").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=notification-badge]")), Wait);
        Assert.All(cut.FindAll("[data-testid=notification-item]"), i => Assert.Equal("true", i.GetAttribute("data-read")));
        Assert.Equal(0, await Services.GetRequiredService<NotificationStore>().UnreadCountAsync(VaultServices.UserId));
    }

    [Fact]
    public async Task Panel_ClosesOnEscape()
    {
        var cut = RenderBell();
        cut.Find("[data-testid=notification-button]").Click();

        cut.Find("[data-testid=notification-panel]").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Escape" });

        Assert.Empty(cut.FindAll("[data-testid=notification-panel]"));
        Assert.Equal("false", cut.Find("[data-testid=notification-button]").GetAttribute("aria-expanded"));
    }

    [Fact]
    public async Task ANotificationArriving_WhileTheBellIsShown_ToastsAndRaisesTheBadge()
    {
        var cut = RenderBell();
        Assert.Empty(cut.FindAll("[data-testid=notification-badge]"));
        // The bell subscribes once it has rendered live; so does nothing else here.
        cut.WaitForAssertion(() => Assert.Equal(1, Services.GetRequiredService<NotificationHub>().SubscriberCount(VaultServices.UserId)), Wait);

        await DownloadedAsync("live.mp4", 5);
        // bUnit starts no host: poll as the app's poller would.
        await Services.GetRequiredService<NotificationPoller>().PollOnceAsync();

        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("[data-testid=notification-badge]").TextContent), Wait);
        Assert.Contains("“live.mp4” was downloaded", cut.Find("[data-testid=notification-toasts]").TextContent, StringComparison.Ordinal);

        await DisposeComponentsAsync();
        Assert.Equal(0, Services.GetRequiredService<NotificationHub>().SubscriberCount(VaultServices.UserId));
    }
}
