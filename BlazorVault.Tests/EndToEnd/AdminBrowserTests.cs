using BlazorVault.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>The admin area in a real browser: what an admin does reaches other people's open pages at once.</summary>
public sealed class AdminBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task AdminDisablesAUser_WhoseOpenDashboardThenLosesAccess()
    {
        await RegisterAsync("admin");
        await Expect(Page.GetByTestId("nav-admin")).ToBeVisibleAsync();

        var bobContext = await NewContextAsync();
        var bob = await bobContext.NewPageAsync();
        await bob.GotoAsync("register");
        await bob.GetByLabel("User name").FillAsync("bob");
        await bob.GetByLabel("Password", new() { Exact = true }).FillAsync(FormClient.DefaultPassword);
        await bob.GetByLabel("Confirm password").FillAsync(FormClient.DefaultPassword);
        await bob.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(bob.GetByTestId("nav-user")).ToHaveTextAsync("bob");
        await Expect(bob.GetByTestId("nav-admin")).Not.ToBeAttachedAsync();
        await WaitForCircuitAsync(bob);

        // A page load of its own: after in-app navigation the body would still carry the dashboard's ready mark, and a
        // click on the prerendered Manage button before the users page is interactive would be lost.
        await Page.GotoAsync("admin/users");
        await WaitForCircuitAsync();
        await Page.Locator("[data-testid=user-row][data-user=bob]").GetByTestId("manage-user").ClickAsync();
        await Page.GetByTestId("disable-user").ClickAsync();
        await Expect(Page.Locator("[data-testid=user-row][data-user=bob]").GetByTestId("badge-disabled")).ToBeVisibleAsync();

        // Bob's page is still open; his next action finds his session gone and goes to sign-in, doing nothing.
        await bob.GetByTestId("new-folder").ClickAsync();
        await Expect(bob).ToHaveURLAsync(UrlOf("login"));
        await bob.GotoAsync("");
        await Expect(bob).ToHaveURLAsync(UrlOf("login?ReturnUrl=%2F"));
        Assert.Empty(TakePolicyViolations());
    }

    [Fact]
    public async Task AdminPages_AtDesktopAndPhoneSizes()
    {
        await RegisterAsync("admin");
        using (var user = App.CreateBrowserClient())
        {
            await user.RegisterAsync("someone-with-a-rather-long-user-name");
        }

        foreach (var (width, height, size) in new[] { (1280, 800, "desktop"), (390, 844, "phone") })
        {
            await Page.SetViewportSizeAsync(width, height);
            await Page.GotoAsync("admin");
            await WaitForCircuitAsync();
            await Expect(Page.GetByTestId("admin-overview")).ToBeVisibleAsync();
            await SaveScreenshotAsync($"admin-overview-{size}", fullPage: true);

            await Page.GotoAsync("admin/users");
            await WaitForCircuitAsync();
            await Expect(Page.GetByTestId("user-table")).ToBeVisibleAsync();
            await SaveScreenshotAsync($"admin-users-{size}", fullPage: true);
            await Page.Locator("[data-testid=user-row][data-user=someone-with-a-rather-long-user-name]").GetByTestId("manage-user").ClickAsync();
            await Expect(Page.GetByTestId("manage-dialog")).ToBeVisibleAsync();
            await SaveScreenshotAsync($"admin-manage-{size}");
            await Page.Keyboard.PressAsync("Escape");

            await Page.GotoAsync("admin/registration");
            await WaitForCircuitAsync();
            await Page.GetByTestId("create-invite").ClickAsync();
            await Expect(Page.GetByTestId("invite-link")).ToBeVisibleAsync();
            await SaveScreenshotAsync($"admin-registration-{size}", fullPage: true);

            await Page.GotoAsync("admin/audit");
            await WaitForCircuitAsync();
            await Expect(Page.GetByTestId("audit-list")).ToBeVisibleAsync();
            await SaveScreenshotAsync($"admin-audit-{size}", fullPage: true);

            await Page.GotoAsync("account/delete");
            await SaveScreenshotAsync($"account-delete-{size}", fullPage: true);
        }

        Assert.Empty(TakePolicyViolations());
    }
}
