using System.Text.RegularExpressions;
using BlazorVault.Tests.Accounts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>Turning on two-factor sign-in with the key the page shows, and signing in with it, as a person would.</summary>
public sealed partial class TwoFactorBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    private ILocator Heading(string name) => Page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 });

    [Fact]
    public async Task EnableTwoFactor_WithTheShownKey_ThenSignInAsksForTheCode()
    {
        await RegisterAsync("alice");
        await Expect(Page.GetByTestId("nav-user")).ToHaveTextAsync("alice");

        await Page.GotoAsync("account/two-factor");
        await Expect(Heading("Two-factor sign-in")).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Set up an authenticator app" }).ClickAsync();
        await Expect(Page.GetByTestId("qr-code")).ToBeVisibleAsync();
        var shown = await Page.GetByTestId("manual-key").TextContentAsync();
        Assert.Matches(ManualKey(), shown);
        await SaveBothSizesAsync("two-factor-setup");

        // The app on the phone: the key as shown, the code of now.
        var key = shown!.Replace(" ", "", StringComparison.Ordinal);
        var enabledAt = DateTimeOffset.UtcNow;
        await Page.GetByLabel("Code from the app").FillAsync(TestTotp.Code(key, enabledAt));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();

        await Expect(Page.GetByTestId("status")).ToHaveTextAsync("Two-factor sign-in is on.");
        await Expect(Page.GetByTestId("recovery-codes").Locator("code")).ToHaveCountAsync(10);
        await SaveBothSizesAsync("two-factor-recovery-codes");
        await Page.GetByRole(AriaRole.Link, new() { Name = "I have saved them" }).ClickAsync();
        await Expect(Page.GetByTestId("two-factor-on")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("codes-left")).ToHaveTextAsync("10 recovery codes are left.");
        await SaveBothSizesAsync("two-factor-on");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(UrlOf("login"));
        await SignInOnThisPageAsync("alice");

        await Expect(Heading("Two-factor sign-in")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("nav-user")).Not.ToBeAttachedAsync();
        await SaveBothSizesAsync("login-code-step");
        // The code used to turn it on is spent; the next one (within the window) is not.
        await Page.GetByLabel("Authentication code").FillAsync(TestTotp.Code(key, enabledAt));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Expect(Page.GetByTestId("login-error")).ToContainTextAsync("not right, or was used already");
        await Page.GetByLabel("Authentication code").FillAsync(TestTotp.Code(key, enabledAt.AddSeconds(30)));
        await Page.GetByLabel("Remember this browser for 30 days").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();

        await Expect(Page).ToHaveURLAsync(UrlOf(""));
        await Expect(Page.GetByTestId("nav-user")).ToHaveTextAsync("alice");

        // Remembered: the password alone next time.
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(UrlOf("login"));
        await SignInOnThisPageAsync("alice");
        await Expect(Page.GetByTestId("nav-user")).ToHaveTextAsync("alice");
    }

    private async Task SaveBothSizesAsync(string name)
    {
        await Page.SetViewportSizeAsync(390, 844);
        await SaveScreenshotAsync(name + "-phone", fullPage: true);
        await Page.SetViewportSizeAsync(1280, 800);
        await SaveScreenshotAsync(name + "-desktop", fullPage: true);
    }

    [GeneratedRegex("^([a-z2-7]{4} )*[a-z2-7]{1,4}$")]
    private static partial Regex ManualKey();
}
