using BlazorVault.Components;
using BlazorVault.Files;
using BlazorVault.Sharing;
using BlazorVault.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace BlazorVault.Tests.Sharing;

public sealed class ShareDialogTests : BunitContext, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private readonly VaultServices _vault;
    private FileItem _file = null!;

    public ShareDialogTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        _vault = VaultServices.Register(this);
    }

    public async ValueTask InitializeAsync()
    {
        await _vault.InitializeAsync();
        _file = await _vault.SeedAsync("holiday.jpg", [1, 2, 3]);
    }

    private ShareLinkService Links => Services.GetRequiredService<ShareLinkService>();

    private IRenderedComponent<ShareDialog> RenderDialog(FileItem? file = null) =>
        Render<ShareDialog>(p => p
            .Add(d => d.OwnerId, VaultServices.UserId)
            .Add(d => d.File, file ?? _file));

    [Fact]
    public void Dialog_WhenNoFileIsGiven_RendersNothing()
    {
        var cut = Render<ShareDialog>(p => p.Add(d => d.OwnerId, VaultServices.UserId).Add(d => d.File, null));
        Assert.Empty(cut.FindAll("[data-testid=share-dialog]"));
    }

    [Fact]
    public async Task Create_WithExpiryAndLimit_ShowsTheUrlAndListsTheLink()
    {
        var cut = RenderDialog();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=share-none]")), Wait);
        Assert.Equal("168", cut.Find("[data-testid=share-expiry]").GetAttribute("value"));

        cut.Find("[data-testid=share-expiry]").Change("24");
        cut.Find("[data-testid=share-max]").Change("2");
        cut.Find("[data-testid=share-create]").Click();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=share-link]")), Wait);
        var url = cut.Find("[data-testid=share-url]").GetAttribute("value")!;
        Assert.StartsWith("http://localhost/s/", url, StringComparison.Ordinal);
        Assert.Contains("0 of 2 downloads used", cut.Find("[data-testid=share-downloads]").TextContent, StringComparison.Ordinal);

        var id = url["http://localhost/s/".Length..];
        var shared = await Links.PeekAsync(id);
        Assert.NotNull(shared);
        Assert.Equal("holiday.jpg", shared.File.Name);
        Assert.Equal(2, shared.Link.MaxDownloads);
        Assert.InRange(shared.Link.ExpiresAt - shared.Link.CreatedAt, TimeSpan.FromHours(24), TimeSpan.FromHours(24));
    }

    private const string Module = "./Sharing/ShareDialog.razor.js";

    [Fact]
    public async Task Create_ShowsAShortUrl_PreSelected_AndCopyHandsItsFieldToTheCopier()
    {
        var module = JSInterop.SetupModule(Module);
        var select = module.SetupVoid("select", _ => true);
        var copy = module.Setup<bool>("copy", _ => true);
        copy.SetResult(true);
        var toasts = Render<Toasts>();
        var cut = RenderDialog();
        cut.Find("[data-testid=share-create]").Click();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=share-url]")), Wait);

        Assert.Matches("^http://localhost/s/[A-Za-z0-9_-]{22}$", cut.Find("[data-testid=share-url]").GetAttribute("value"));
        cut.WaitForAssertion(() => Assert.Single(select.Invocations), Wait);
        await cut.Find("[data-testid=share-copy]").ClickAsync(new());

        var call = Assert.Single(copy.Invocations);
        Assert.Equal(((ElementReference)Assert.Single(select.Invocations).Arguments[0]!).Id, ((ElementReference)call.Arguments[0]!).Id);
        toasts.WaitForAssertion(() => Assert.Contains("Link copied", toasts.Markup, StringComparison.Ordinal), Wait);
        // The page's line is behind the backdrop: the dialog says it too.
        cut.WaitForAssertion(() => Assert.Contains("Link copied", cut.Find("[data-testid=share-dialog] [data-testid=toasts]").TextContent, StringComparison.Ordinal), Wait);
    }

    [Fact]
    public async Task Copy_WhenTheBrowserCannot_SaysSoAndLeavesTheLinkSelected()
    {
        var module = JSInterop.SetupModule(Module);
        module.Setup<bool>("copy", _ => true).SetResult(false);
        await Links.CreateAsync(VaultServices.UserId, _file.Id, null, null);
        var cut = Render<Toasts>();
        var dialog = RenderDialog();
        dialog.WaitForAssertion(() => Assert.Single(dialog.FindAll("[data-testid=share-link]")), Wait);

        await dialog.Find("[data-testid=share-link] button").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("the link is selected", cut.Markup, StringComparison.Ordinal), Wait);
    }

    [Fact]
    public async Task Links_UsedUpAndExpired_StayListedAndMarked_WithTimesInTheViewersZone()
    {
        var module = JSInterop.SetupModule(Module);
        module.Setup<string[]?>("formatTimes", _ => true).SetResult(["Dec 1, 2026, 7:00 AM EST"]);
        var used = Assert.IsType<CreateLinkResult.Created>(await Links.CreateAsync(VaultServices.UserId, _file.Id, TimeSpan.FromDays(7), 1)).Link;
        var grant = await Links.GrantDownloadAsync(used.PublicId, new DownloadRequest(), new ShareClient("192.0.2.1"));
        Assert.NotNull(await Links.RedeemAsync(grant, new DownloadRequest(), new ShareClient("192.0.2.1"), used.PublicId));

        var cut = RenderDialog();

        cut.WaitForAssertion(() => Assert.Contains("EST", cut.Find("[data-testid=share-expires]").TextContent, StringComparison.Ordinal), Wait);
        var row = cut.Find("[data-testid=share-link]");
        Assert.Equal("UsedUp", row.GetAttribute("data-state"));
        Assert.Equal("Used up", cut.Find("[data-testid=share-state]").TextContent);
        Assert.Contains("1 of 1 downloads used", cut.Find("[data-testid=share-downloads]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=share-revoke]"));

        cut.Find("[data-testid=share-remove]").Click();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=share-none]")), Wait);
    }

    [Fact]
    public async Task Revoke_RemovesTheLinkAndStopsItWorking()
    {
        var created = Assert.IsType<CreateLinkResult.Created>(await Links.CreateAsync(VaultServices.UserId, _file.Id, null, null)).Link;
        var cut = RenderDialog();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=share-link]")), Wait);

        cut.Find("[data-testid=share-revoke]").Click();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=share-none]")), Wait);
        Assert.Null(await Links.PeekAsync(created.PublicId));
    }

    [Fact]
    public void Create_WithAZeroLimit_ShowsTheReasonAndCreatesNothing()
    {
        var cut = RenderDialog();

        cut.Find("[data-testid=share-max]").Change("0");
        cut.Find("[data-testid=share-create]").Click();

        cut.WaitForAssertion(() => Assert.Contains("download limit", cut.Find(".alert-danger").TextContent, StringComparison.Ordinal), Wait);
        Assert.Empty(cut.FindAll("[data-testid=share-url]"));
        Assert.Empty(cut.FindAll("[data-testid=share-link]"));
    }

    [Fact]
    public void Dashboard_ShareButton_OpensTheDialogForThatFile()
    {
        var cut = Render<Dashboard>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=share]")), Wait);

        cut.Find("[data-testid=share]").Click();

        cut.WaitForAssertion(() => Assert.Contains("holiday.jpg", cut.Find("[data-testid=share-dialog] .modal-title").TextContent, StringComparison.Ordinal), Wait);
        Assert.NotNull(cut.FindComponent<Toasts>());
    }
}
