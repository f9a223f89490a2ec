using BlazorVault.Data;
using BlazorVault.Sharing;
using BlazorVault.Tests.Infrastructure;
using Bunit;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Tests.Sharing;

/// <summary>File requests on the Links page: marked, named by their folder, counted by files and bytes, and edited by those limits.</summary>
public sealed class FileRequestLinksPageTests : BunitContext, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private readonly VaultServices _vault;

    public FileRequestLinksPageTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        _vault = VaultServices.Register(this);
    }

    public async ValueTask InitializeAsync() => await _vault.InitializeAsync();

    private ShareLinkService Links => Services.GetRequiredService<ShareLinkService>();

    [Fact]
    public async Task RequestRow_ShowsItsFolderAndWhatItReceived_AndEditChangesItsLimits()
    {
        var created = Assert.IsType<CreateLinkResult.Created>(
            await Links.CreateRequestAsync(VaultServices.UserId, new FileRequestSpec(null, TimeSpan.FromDays(1), null, 5, 3_000_000))).Link;
        var factory = Services.GetRequiredService<IDbContextFactory<VaultDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            await db.ShareLinks.Where(l => l.Id == created.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.FilesReceived, 2).SetProperty(l => l.BytesReceived, 1_500_000));
        }

        var cut = Render<LinksPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=link-row]")), Wait);
        var row = cut.Find("[data-testid=link-row]");
        Assert.Equal("Request", row.QuerySelector("[data-testid=link-kind]")!.TextContent.Trim());
        Assert.Equal(ShareLinkService.RootName, row.QuerySelector("[data-testid=link-file]")!.TextContent);
        Assert.Equal("2 of 5 files received, 1.5 MB of 3.0 MB", row.QuerySelector("[data-testid=link-downloads]")!.TextContent);

        row.QuerySelector("[data-testid=link-edit]")!.Click();
        Assert.Empty(cut.FindAll("[data-testid=link-edit-max]"));
        cut.Find("[data-testid=link-edit-max-files]").Change("");
        cut.Find("[data-testid=link-edit-max-mb]").Change("10");
        cut.Find("[data-testid=link-edit-save]").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=link-edit-dialog]")), Wait);

        var link = (await Links.GetOwnedAsync(VaultServices.UserId, created.Id))!.Link;
        Assert.Equal((null, 10_000_000L, (int?)null), (link.MaxFiles, link.MaxBytes, link.MaxDownloads));
        cut.WaitForAssertion(() => Assert.Equal("2 files received, 1.5 MB of 10.0 MB", cut.Find("[data-testid=link-downloads]").TextContent), Wait);
    }
}
