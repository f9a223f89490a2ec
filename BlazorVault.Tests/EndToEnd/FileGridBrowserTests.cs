using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>Finding, ordering and deleting files in the dashboard's grid, and leaving it.</summary>
public sealed class FileGridBrowserTests(BrowserFixture browser) : DashboardBrowserTest(browser)
{
    // Name order and size order differ, so a sort that did nothing cannot pass.
    private static readonly FilePayload[] Files =
    [
        RandomFile("b-notes.txt", 3_000, "text/plain"),
        RandomFile("report-2024.txt", 50, "text/plain"),
        RandomFile("c-photo.jpg", 10_000, "image/jpeg"),
        RandomFile("a-report.pdf", 200, "application/pdf"),
    ];

    private ILocator Search => Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search files by name" });

    private ILocator ConfirmDialog => Page.GetByTestId("confirm-dialog");

    private ILocator ColumnHeader(string title) => Page.GetByRole(AriaRole.Columnheader, new() { Name = title });

    [Fact]
    public async Task Search_NarrowsTheGridToMatchingNames_AndClearingItShowsAllAgain()
    {
        await OpenDashboardWithFilesAsync(Files);

        await Search.FillAsync("report");

        await Expect(FileNames).ToHaveCountAsync(2);
        await Expect(FileNames.Filter(new() { HasText = "report" })).ToHaveCountAsync(2);
        await Expect(Page.GetByText("b-notes.txt")).Not.ToBeAttachedAsync();

        await Search.FillAsync("nothing-like-this");
        await Expect(Page.GetByTestId("no-match")).ToContainTextAsync("No file matches “nothing-like-this”");
        await Expect(FileNames).ToHaveCountAsync(0);

        await Page.GetByRole(AriaRole.Button, new() { Name = "Clear the search" }).ClickAsync();
        await Expect(FileNames).ToHaveCountAsync(4);
        await Expect(Page.GetByTestId("no-match")).Not.ToBeAttachedAsync();
    }

    [Fact]
    public async Task SortingByName_ThenBySize_OrdersTheGrid_AndASecondClickReversesIt()
    {
        await OpenDashboardWithFilesAsync(Files);

        await ColumnHeader("Name").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(ColumnHeader("Name")).ToHaveAttributeAsync("aria-sort", "ascending");
        await Expect(FileNames).ToHaveTextAsync(["a-report.pdf", "b-notes.txt", "c-photo.jpg", "report-2024.txt"]);

        await ColumnHeader("Name").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(ColumnHeader("Name")).ToHaveAttributeAsync("aria-sort", "descending");
        await Expect(FileNames).ToHaveTextAsync(["report-2024.txt", "c-photo.jpg", "b-notes.txt", "a-report.pdf"]);

        await ColumnHeader("Size").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(ColumnHeader("Size")).ToHaveAttributeAsync("aria-sort", "ascending");
        await Expect(FileNames).ToHaveTextAsync(["report-2024.txt", "a-report.pdf", "b-notes.txt", "c-photo.jpg"]);

        await ColumnHeader("Size").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(FileNames).ToHaveTextAsync(["c-photo.jpg", "b-notes.txt", "a-report.pdf", "report-2024.txt"]);
    }

    [Fact]
    public async Task Delete_KeepsTheFileWhenCancelled_AndRemovesItOnlyAfterConfirming()
    {
        await OpenDashboardWithFilesAsync(Files[0], Files[1]);
        var deleteNotes = Page.GetByRole(AriaRole.Button, new() { Name = "Delete b-notes.txt" });
        var href = await Page.GetByRole(AriaRole.Link, new() { Name = "Download b-notes.txt" }).GetAttributeAsync("href");
        Assert.NotNull(href);

        await deleteNotes.ClickAsync();
        await Expect(ConfirmDialog).ToBeVisibleAsync();
        await Expect(ConfirmDialog.GetByTestId("confirm-file-name")).ToHaveTextAsync("b-notes.txt");
        await ConfirmDialog.GetByTestId("confirm-cancel").ClickAsync();

        await Expect(ConfirmDialog).Not.ToBeAttachedAsync();
        await Expect(FileNames).ToHaveCountAsync(2);
        Assert.Equal(200, (await Page.APIRequest.GetAsync(href)).Status);

        await deleteNotes.ClickAsync();
        await ConfirmDialog.GetByTestId("confirm-ok").ClickAsync();

        await Expect(ConfirmDialog).Not.ToBeAttachedAsync();
        await Expect(FileNames).ToHaveTextAsync(["report-2024.txt"]);
        await Expect(Page.GetByTestId("toasts")).ToContainTextAsync("Moved b-notes.txt to the trash");
        Assert.Equal(404, (await Page.APIRequest.GetAsync(href)).Status);
    }

    [Fact]
    public async Task SignOut_FromTheDashboard_ClosesItAndTheDownloadLinksAgain()
    {
        await OpenDashboardWithFilesAsync(Files[0]);
        var href = await Page.GetByRole(AriaRole.Link, new() { Name = "Download b-notes.txt" }).GetAttributeAsync("href");
        Assert.NotNull(href);

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(UrlOf("login"));

        await Page.GotoAsync("");
        await Expect(Page).ToHaveURLAsync(UrlOf("login?ReturnUrl=%2F"));
        await Expect(FileNames).Not.ToBeAttachedAsync();
        var download = await Page.APIRequest.GetAsync(href, new() { MaxRedirects = 0 });
        Assert.Equal(302, download.Status);
        Assert.StartsWith(UrlOf("login"), new Uri(App.BaseAddress, download.Headers["location"]).AbsoluteUri);
    }
}
