using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Sharing;
using BlazorVault.Tests.Infrastructure;
using Bunit;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Tests.Sharing;

public sealed class ShareDialogPasswordTests : BunitContext, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private readonly VaultServices _vault;
    private FileItem _file = null!;

    public ShareDialogPasswordTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        _vault = VaultServices.Register(this);
    }

    public async ValueTask InitializeAsync()
    {
        await _vault.InitializeAsync();
        _file = await _vault.SeedAsync("contract.pdf", [1, 2, 3]);
    }

    private ShareLinkService Links => Services.GetRequiredService<ShareLinkService>();

    private IRenderedComponent<ShareDialog> RenderDialog() =>
        Render<ShareDialog>(p => p.Add(d => d.OwnerId, VaultServices.UserId).Add(d => d.File, _file));

    [Fact]
    public async Task Create_WithAPassword_MakesALinkThatAsksForIt_AndMarksIt()
    {
        var cut = RenderDialog();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=share-none]")), Wait);

        cut.Find("[data-testid=share-password]").Change("open sesame 42");
        cut.Find("[data-testid=share-create]").Click();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=share-link]")), Wait);
        Assert.NotNull(cut.Find("[data-testid=share-has-password]"));
        // The field is emptied once the link has it.
        Assert.True(string.IsNullOrEmpty(cut.Find("[data-testid=share-password]").GetAttribute("value")));
        var id = cut.Find("[data-testid=share-url]").GetAttribute("value")!.Split("/s/")[1];
        Assert.IsType<LinkPage.Locked>(await Links.OpenAsync(id, null));
        Assert.IsType<UnlockResult.Unlocked>(await Links.UnlockAsync(id, "open sesame 42", new ShareClient("192.0.2.1")));
    }

    [Fact]
    public async Task Create_WithATooShortPassword_SaysWhy_AndMakesNoLink()
    {
        var cut = RenderDialog();
        cut.Find("[data-testid=share-password]").Change("short");
        cut.Find("[data-testid=share-create]").Click();

        cut.WaitForAssertion(() => Assert.Contains("8 to 256 characters", cut.Find(".alert-danger").TextContent, StringComparison.Ordinal), Wait);
        Assert.Empty((await Links.ListAsync(VaultServices.UserId, _file.Id))!);
    }

    [Fact]
    public async Task PausedLink_IsShownPausedToTheOwner()
    {
        var link = Assert.IsType<CreateLinkResult.Created>(await Links.CreateAsync(VaultServices.UserId, _file.Id, null, null, "open sesame 42")).Link;
        var factory = Services.GetRequiredService<IDbContextFactory<VaultDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            var until = DateTimeOffset.UtcNow.AddMinutes(12);
            await db.ShareLinks.Where(l => l.Id == link.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.PausedUntil, until));
        }

        var cut = RenderDialog();

        cut.WaitForAssertion(() => Assert.Contains("too many wrong passwords", cut.Find("[data-testid=share-paused]").TextContent, StringComparison.Ordinal), Wait);
    }
}
