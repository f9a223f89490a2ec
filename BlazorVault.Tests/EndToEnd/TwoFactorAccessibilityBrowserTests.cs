using BlazorVault.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>axe-core on the two-factor page, the passkeys page and the sign-in's code step (axe's own styles need the CSP bypassed).</summary>
public sealed class TwoFactorAccessibilityBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    protected override BrowserNewContextOptions? ContextOptions => new() { BypassCSP = true };

    [Fact]
    public async Task TwoFactorPasskeysAndCodeStep_HaveNoSeriousViolations()
    {
        await RegisterAsync("alice");
        await Expect(Page.GetByTestId("nav-user")).ToHaveTextAsync("alice");

        await Page.GotoAsync("account/two-factor");
        await Axe.AssertNoSeriousViolationsAsync(Page, "the two-factor page before set-up");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Set up an authenticator app" }).ClickAsync();
        await Expect(Page.GetByTestId("qr-code")).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(Page, "the two-factor set-up");

        await Page.GotoAsync("account/passkeys");
        await Axe.AssertNoSeriousViolationsAsync(Page, "the passkeys page");

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>();
            await users.SetTwoFactorEnabledAsync((await users.FindByNameAsync("alice"))!, true);
        }

        await Page.GotoAsync("login");
        await Axe.AssertNoSeriousViolationsAsync(Page, "the sign-in page with its passkey button");
        await SignInOnThisPageAsync("alice");
        await Expect(Page.GetByLabel("Authentication code")).ToBeVisibleAsync();
        await Page.GetByText("Lost your phone? Use a recovery code").ClickAsync();
        await Axe.AssertNoSeriousViolationsAsync(Page, "the code step of the sign-in");
    }
}
