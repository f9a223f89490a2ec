using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>The dashboard's dialogs and the keyboard: focus moves in, stays in, and comes back to where it was (or next door).</summary>
public sealed class DialogFocusBrowserTests(BrowserFixture browser) : DashboardBrowserTest(browser)
{
    private ILocator Row(string name) => Page.Locator("table.file-grid > tbody > tr").Filter(new() { Has = Page.GetByText(name, new() { Exact = true }) });

    private Task<string> FocusedAsync() =>
        Page.EvaluateAsync<string>("() => { const e = document.activeElement; return e === document.body ? 'body' : (e.dataset.testid ?? e.getAttribute('aria-label') ?? e.textContent.trim()); }");

    [Fact]
    public async Task NewFolder_TakesTheFocus_KeepsTabInside_AndGivesItBackToItsButton()
    {
        await OpenDashboardAsNewUserAsync();
        var newFolder = Page.GetByTestId("new-folder");
        var dialog = Page.GetByTestId("name-dialog");

        // Filled at once, as a quick hand would: the focus must still come back to the button, not the heading.
        await newFolder.ClickAsync();
        await Page.GetByTestId("name-input").FillAsync("Projects");
        await Page.GetByTestId("name-input").PressAsync("Enter");
        await Expect(dialog).Not.ToBeAttachedAsync();
        await Expect(Page.GetByTestId("folder-name")).ToHaveTextAsync(["Projects"]);
        await Expect(newFolder).ToBeFocusedAsync();

        await Page.Keyboard.PressAsync("Enter");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("name-input")).ToBeFocusedAsync();
        await Page.Keyboard.TypeAsync("x");
        // Round and round inside: close button, field, Cancel, Create, and back to the close button.
        var seen = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            await Page.Keyboard.PressAsync("Tab");
            Assert.True(await dialog.EvaluateAsync<bool>("d => d.contains(document.activeElement)"), $"Tab {i + 1} left the dialog for {await FocusedAsync()}");
            seen.Add(await FocusedAsync());
        }

        Assert.Equal(["Cancel", "name-ok", "Close", "name-input"], seen.Take(4));
        Assert.Equal(seen.Take(4), seen.Skip(4));
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).FocusAsync();
        await Page.Keyboard.PressAsync("Shift+Tab");
        await Expect(Page.GetByTestId("name-ok")).ToBeFocusedAsync();

        await Page.Keyboard.PressAsync("Escape");
        await Expect(dialog).Not.ToBeAttachedAsync();
        await Expect(newFolder).ToBeFocusedAsync();
    }

    [Fact]
    public async Task TheDeleteConfirm_StartsOnCancel_AndAfterTheDeleteTheFocusGoesToTheNextRow()
    {
        await Page.SetViewportSizeAsync(1280, 800);
        await OpenDashboardWithFilesAsync(RandomFile("a.txt", 10), RandomFile("b.txt", 10), RandomFile("c.txt", 10));
        // Newest first: c, b, a.
        await Expect(FileNames).ToHaveTextAsync(["c.txt", "b.txt", "a.txt"]);
        var deleteB = Row("b.txt").GetByTestId("delete");

        await deleteB.ClickAsync();
        await Expect(Page.GetByTestId("confirm-cancel")).ToBeFocusedAsync();
        // Enter on the focused Cancel keeps the file.
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByTestId("confirm-dialog")).Not.ToBeAttachedAsync();
        await Expect(deleteB).ToBeFocusedAsync();
        await Expect(FileNames).ToHaveCountAsync(3);

        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByTestId("confirm-cancel")).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("Tab");
        await Expect(Page.GetByTestId("confirm-ok")).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("Enter");
        await Expect(FileNames).ToHaveTextAsync(["c.txt", "a.txt"]);
        // Its row is gone: the focus is on the same button of the row that came after it.
        await Expect(Row("a.txt").GetByTestId("delete")).ToBeFocusedAsync();

        // The last rows go: the focus goes to the page's heading, never to the bare page.
        await Page.GetByRole(AriaRole.Checkbox, new() { Name = "Select c.txt" }).CheckAsync();
        await Page.GetByRole(AriaRole.Checkbox, new() { Name = "Select a.txt" }).CheckAsync();
        await Page.GetByTestId("bulk-trash").ClickAsync();
        await Page.GetByTestId("confirm-ok").ClickAsync();
        await Expect(Page.GetByTestId("empty-state")).ToBeVisibleAsync();
        await Expect(Page.Locator("main h1")).ToBeFocusedAsync();
    }

    [Fact]
    public async Task EachRowDialog_ClosesOnEscape_AndGivesTheFocusBackToTheButtonThatOpenedIt()
    {
        await Page.SetViewportSizeAsync(1280, 800);
        await OpenDashboardWithFilesAsync(RandomFile("report.pdf", 100, "application/pdf"));

        foreach (var (action, dialog) in new[] { ("share", "share-dialog"), ("versions", "versions-dialog"), ("rename", "name-dialog"), ("move", "move-dialog") })
        {
            var opener = Row("report.pdf").GetByTestId(action);
            await opener.ClickAsync();
            await Expect(Page.GetByTestId(dialog)).ToBeVisibleAsync();
            Assert.True(await Page.GetByTestId(dialog).EvaluateAsync<bool>("d => d.contains(document.activeElement)"), $"{dialog} did not take the focus");
            // Tab never reaches the page behind.
            for (var i = 0; i < 12; i++)
            {
                await Page.Keyboard.PressAsync("Tab");
                Assert.True(await Page.GetByTestId(dialog).EvaluateAsync<bool>("d => d.contains(document.activeElement)"), $"Tab left {dialog} for {await FocusedAsync()}");
            }

            await Page.Keyboard.PressAsync("Escape");
            await Expect(Page.GetByTestId(dialog)).Not.ToBeAttachedAsync();
            await Expect(opener).ToBeFocusedAsync();
        }
    }
}
