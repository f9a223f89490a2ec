using BlazorVault.Components;
using BlazorVault.Files;
using BlazorVault.Sharing;
using BlazorVault.Tests.Infrastructure;
using Bunit;

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

        var token = url["http://localhost/s/".Length..];
        var shared = await Links.PeekAsync(token);
        Assert.NotNull(shared);
        Assert.Equal("holiday.jpg", shared.File.Name);
        Assert.Equal(2, shared.Link.MaxDownloads);
        Assert.InRange(shared.Link.ExpiresAt - shared.Link.CreatedAt, TimeSpan.FromHours(24), TimeSpan.FromHours(24));
    }

    [Fact]
    public async Task Copy_WritesTheUrlToTheClipboard()
    {
        var clipboard = JSInterop.SetupVoid("navigator.clipboard.writeText", _ => true);
        var cut = RenderDialog();
        cut.Find("[data-testid=share-create]").Click();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=share-url]")), Wait);

        await cut.Find("[data-testid=share-copy]").ClickAsync(new());

        var call = Assert.Single(clipboard.Invocations);
        Assert.Equal(cut.Find("[data-testid=share-url]").GetAttribute("value"), call.Arguments[0]);
    }

    [Fact]
    public async Task Revoke_RemovesTheLinkAndStopsItWorking()
    {
        var created = Assert.IsType<CreateLinkResult.Created>(await Links.CreateAsync(VaultServices.UserId, _file.Id, null, null)).Link;
        var cut = RenderDialog();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=share-link]")), Wait);

        cut.Find("[data-testid=share-revoke]").Click();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=share-none]")), Wait);
        Assert.Null(await Links.PeekAsync(created.Token));
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
