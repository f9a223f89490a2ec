using BlazorVault.Data;
using BlazorVault.Tests.Accounts;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>The account page in a real browser: sessions, password change, tokens.</summary>
public sealed class AccountPageBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    private ILocator Status => Page.GetByTestId("account-status");

    private ILocator Sessions => Page.GetByTestId("session");

    [Fact]
    public async Task SigningOutTheOtherSession_EndsItsOpenDashboard_ThenAPasswordChangeKeepsThisBrowserIn()
    {
        await RegisterAsync("alice");
        await Expect(Page).ToHaveURLAsync(UrlOf(""));
        var phone = await (await NewContextAsync()).NewPageAsync();
        await phone.GotoAsync("login");
        await phone.GetByLabel("User name").FillAsync("alice");
        await phone.GetByLabel("Password", new() { Exact = true }).FillAsync(FormClient.DefaultPassword);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(phone).ToHaveURLAsync(UrlOf(""));
        await WaitForCircuitAsync(phone);
        await phone.GetByTestId("new-folder").ClickAsync();
        await phone.GetByTestId("name-input").FillAsync("Made after sign-out");

        await Page.GetByTestId("nav-user").ClickAsync();
        await Expect(Page).ToHaveURLAsync(UrlOf("account"));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Your account", Level = 1 })).ToBeVisibleAsync();
        await Expect(Sessions).ToHaveCountAsync(2);
        await Expect(Sessions.First.GetByTestId("this-browser")).ToHaveTextAsync("This browser");
        await Expect(Sessions.Nth(1)).ToContainTextAsync("Chrome on Linux");
        await Expect(Sessions.Nth(1)).ToContainTextAsync("127.0.0.0/24");

        await Sessions.Nth(1).GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(Page).ToHaveURLAsync(UrlOf("account?done=session#sessions"));
        await Expect(Page.GetByTestId("sessions-status")).ToHaveTextAsync("That session is signed out.");
        await Expect(Page.Locator("#sessions")).ToBeInViewportAsync();
        await Expect(Sessions).ToHaveCountAsync(1);
        await Expect(Page.GetByTestId("no-other-sessions")).ToBeVisibleAsync();
        // The phone's open dashboard: its next action goes to sign-in, and does not happen.
        await phone.GetByTestId("name-ok").ClickAsync();
        await Expect(phone).ToHaveURLAsync(UrlOf("login"));
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VaultDbContext>();
            Assert.False(await db.Folders.AnyAsync(f => f.Name == "Made after sign-out", TestContext.Current.CancellationToken));
        }

        await Page.GetByLabel("Current password").FillAsync("not my password");
        await Page.GetByLabel("New password").FillAsync(AccountPageClient.NewPassword);
        await Page.GetByLabel("Type it again").FillAsync(AccountPageClient.NewPassword);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(Page.Locator("#password-current-error")).ToHaveTextAsync("That is not your current password.");
        await Expect(Page.GetByLabel("Current password")).ToHaveAttributeAsync("aria-invalid", "true");

        await Page.GetByLabel("Current password").FillAsync(FormClient.DefaultPassword);
        await Page.GetByLabel("New password").FillAsync(AccountPageClient.NewPassword);
        await Page.GetByLabel("Type it again").FillAsync(AccountPageClient.NewPassword);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();

        await Expect(Page).ToHaveURLAsync(UrlOf("account?done=password"));
        await Expect(Status).ToContainTextAsync("Your password is changed");
        await Expect(Page.GetByTestId("nav-user")).ToHaveTextAsync("alice");
        await Expect(Sessions).ToHaveCountAsync(1);
        await Page.GotoAsync("");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Your files", Level = 1 })).ToBeVisibleAsync();

        await phone.GetByLabel("User name").FillAsync("alice");
        await phone.GetByLabel("Password", new() { Exact = true }).FillAsync(AccountPageClient.NewPassword);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(phone).ToHaveURLAsync(UrlOf(""));
    }

    [Fact]
    public async Task NewToken_IsShownOnceWithACopyButton_AndTheScreensAreSavedForALook()
    {
        Directory.CreateDirectory(ArtifactsDirectory);
        await RegisterAsync("alice");
        await Expect(Page).ToHaveURLAsync(UrlOf(""));
        var other = await (await NewContextAsync()).NewPageAsync();
        await other.GotoAsync("login");
        await other.GetByLabel("User name").FillAsync("alice");
        await other.GetByLabel("Password", new() { Exact = true }).FillAsync(FormClient.DefaultPassword);
        await other.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(other).ToHaveURLAsync(UrlOf(""));
        await Page.GotoAsync("account");

        await Page.GetByLabel("Token name").FillAsync("Laptop sync");
        await Page.GetByLabel("write").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();

        // Back where the token is, not at the top of the page.
        await Expect(Page).ToHaveURLAsync(UrlOf("account#tokens"));
        var secret = Page.GetByTestId("new-token-value");
        await Expect(secret).ToBeInViewportAsync();
        await Expect(secret).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^bvpat_[A-Za-z0-9_-]{43}$"));
        await Expect(Page.GetByTestId("token")).ToHaveCountAsync(1);
        await Expect(Page.GetByLabel("Token name")).ToHaveValueAsync("");
        var copy = Page.GetByRole(AriaRole.Button, new() { Name = "Copy" });
        await Expect(copy).ToBeVisibleAsync();
        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            await Page.SetViewportSizeAsync(width, height);
            await Page.ScreenshotAsync(new() { Path = Path.Combine(ArtifactsDirectory, $"account-page-{width}.png") });
            await Page.ScreenshotAsync(new() { Path = Path.Combine(ArtifactsDirectory, $"account-page-full-{width}.png"), FullPage = true });
        }

        await copy.ClickAsync();
        await Expect(Page.GetByTestId("new-token").GetByRole(AriaRole.Button)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(Copied|Press Ctrl\\+C)$"));

        await Page.ReloadAsync(new() { WaitUntil = WaitUntilState.Load });
        await Page.GotoAsync("account");
        await Expect(Page.GetByTestId("new-token")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("token")).ToContainTextAsync("Laptop sync");
        Assert.DoesNotContain("bvpat_", await Page.ContentAsync(), StringComparison.Ordinal);
    }
}
