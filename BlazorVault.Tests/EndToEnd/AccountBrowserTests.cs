using System.Text.RegularExpressions;
using BlazorVault.Accounts;
using BlazorVault.Data;
using BlazorVault.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>The account flows a person follows, in a real browser.</summary>
public sealed class AccountBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    private ILocator NavUser => Page.GetByTestId("nav-user");

    // Inside <main>: the layout's hidden Blazor error banner is an alert too.
    private ILocator Alert => Page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Alert);

    private ILocator Heading(string name) => Page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 });

    [Fact]
    public async Task OpeningTheDashboard_WhenSignedOut_RedirectsToSignIn()
    {
        await Page.GotoAsync("");

        await Expect(Page).ToHaveURLAsync(UrlOf("login?ReturnUrl=%2F"));
        await Expect(Heading("Sign in")).ToBeVisibleAsync();
        await Expect(Heading("Your files")).Not.ToBeVisibleAsync();
        await Expect(NavUser).Not.ToBeAttachedAsync();
    }

    [Fact]
    public async Task Register_ThroughTheForm_LandsOnTheDashboardWithTheUserNameInTheNav()
    {
        await RegisterAsync("alice");

        await Expect(Page).ToHaveURLAsync(UrlOf(""));
        await Expect(Heading("Your files")).ToBeVisibleAsync();
        await Expect(NavUser).ToHaveTextAsync("alice");
    }

    [Fact]
    public async Task SignOut_ThenOpeningTheDashboard_RedirectsToSignIn()
    {
        await RegisterAsync("alice");
        await Expect(NavUser).ToHaveTextAsync("alice");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(UrlOf("login"));
        await Expect(NavUser).Not.ToBeAttachedAsync();

        await Page.GotoAsync("");
        await Expect(Page).ToHaveURLAsync(UrlOf("login?ReturnUrl=%2F"));
        await Expect(Heading("Sign in")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task SignIn_AfterSigningOut_OpensTheDashboardAgain()
    {
        await RegisterAsync("alice");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Page.GotoAsync("");
        await Expect(Page).ToHaveURLAsync(UrlOf("login?ReturnUrl=%2F"));

        await SignInOnThisPageAsync("alice");

        await Expect(Page).ToHaveURLAsync(UrlOf(""));
        await Expect(Heading("Your files")).ToBeVisibleAsync();
        await Expect(NavUser).ToHaveTextAsync("alice");
    }

    [Fact]
    public async Task SignIn_WithAWrongPassword_SaysSoAndStaysSignedOut()
    {
        using (var client = App.CreateBrowserClient())
        {
            using var registered = await client.RegisterAsync("alice");
        }

        await Page.GotoAsync("login");
        await SignInOnThisPageAsync("alice", "not the password");

        await Expect(Alert).ToHaveTextAsync(BlazorVault.Accounts.SignInFailure.Message);
        await Expect(Page).ToHaveURLAsync(UrlOf("login"));
        await Expect(NavUser).Not.ToBeAttachedAsync();
        await Page.GotoAsync("");
        await Expect(Page).ToHaveURLAsync(UrlOf("login?ReturnUrl=%2F"));
    }

    [Fact]
    public async Task Register_WithACommonPassword_ShowsWhyAtThePasswordAndCreatesNoAccount()
    {
        await RegisterAsync("alice", "password123");

        var password = Page.GetByLabel("Password", new() { Exact = true });
        await Expect(password).ToHaveClassAsync(new Regex("\\bis-invalid\\b"));
        await Expect(password).ToHaveAccessibleDescriptionAsync(new Regex(
            "^This password is one of the most common ones and is easy to guess\\. Choose another\\. At least 8 characters"));
        await Expect(password).ToHaveValueAsync("");
        await Expect(Page).ToHaveURLAsync(UrlOf("register"));
        await Expect(NavUser).Not.ToBeAttachedAsync();

        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>();
        Assert.Null(await users.FindByNameAsync("alice"));
    }

    [Fact]
    public async Task FirstPage_WhenSignedOut_SaysWhatBlazorVaultIs_UnderItsOwnIcon()
    {
        await Page.GotoAsync("");

        var intro = Page.GetByTestId("intro");
        await Expect(intro).ToContainTextAsync("private drive");
        await Expect(intro).ToContainTextAsync("Upload");
        await Expect(intro).ToContainTextAsync("Folders");
        await Expect(intro).ToContainTextAsync("Share links");
        await Expect(intro.GetByRole(AriaRole.Link, new() { Name = "Create an account" })).ToHaveAttributeAsync("href", "register?returnUrl=%2F");
        await Expect(Heading("Sign in")).ToBeVisibleAsync();
        var icon = await Page.Locator("link[rel=icon]").GetAttributeAsync("href");
        Assert.Matches(@"^favicon\.[a-z0-9]+\.svg$|^favicon\.svg$", icon);
        var served = await Page.APIRequest.GetAsync(icon!);
        Assert.Equal(200, served.Status);
        Assert.StartsWith("image/svg+xml", served.Headers["content-type"], StringComparison.Ordinal);
        Assert.Contains("<svg", await served.TextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Navbar_AtPhoneWidth_KeepsSignOutWhole_AndTruncatesALongUserName()
    {
        const string longName = "alexandra.longname-with-several-parts@example.org";
        await Page.SetViewportSizeAsync(390, 844);
        await RegisterAsync(longName);
        await Expect(Page).ToHaveURLAsync(UrlOf(""));
        await WaitForCircuitAsync();

        var signOut = Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" });
        var button = (await signOut.BoundingBoxAsync())!;
        var lineHeight = await signOut.EvaluateAsync<double>("b => parseFloat(getComputedStyle(b).lineHeight)");
        Assert.True(button.Height < 2 * lineHeight, $"Sign out wraps: {button.Height}px tall, line height {lineHeight}px");
        Assert.True(button.X + button.Width <= 390, $"Sign out ends at {button.X + button.Width}px, past the 390px screen");
        var user = await NavUser.EvaluateAsync<double[]>("e => [e.scrollWidth, e.clientWidth, getComputedStyle(e).textOverflow === 'ellipsis' ? 1 : 0]");
        Assert.True(user[0] > user[1], "The long name was not cut");
        Assert.Equal(1, user[2]);
        await Expect(NavUser).ToHaveAttributeAsync("title", $"Your account: {longName}");
        var navbar = (await Page.Locator("nav.navbar").BoundingBoxAsync())!;
        Assert.True(navbar.Height < 70, $"The navbar takes {navbar.Height}px: it wrapped");

        // Every navigation landmark on the dashboard has its own name (axe: landmark-unique).
        var labels = await Page.EvaluateAsync<string[]>("[...document.querySelectorAll('nav')].map(n => n.getAttribute('aria-label') ?? '')");
        Assert.All(labels, label => Assert.NotEqual("", label));
        Assert.Equal(labels.Length, labels.Distinct().Count());
        Assert.Contains("Main", labels);
    }

    [Fact]
    public async Task Screens_SignInRegistrationAndNavbar_AreSavedForALook()
    {
        Directory.CreateDirectory(ArtifactsDirectory);
        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            await Page.SetViewportSizeAsync(width, height);
            await Page.GotoAsync("");
            await Expect(Heading("Sign in")).ToBeVisibleAsync();
            await Page.ScreenshotAsync(new() { Path = Path.Combine(ArtifactsDirectory, $"account-signin-{width}.png") });
            await SignInOnThisPageAsync("nobody", "not the password");
            await Expect(Alert).ToBeVisibleAsync();
            await Page.ScreenshotAsync(new() { Path = Path.Combine(ArtifactsDirectory, $"account-signin-failed-{width}.png") });
            await Page.GotoAsync("register");
            await Page.GetByLabel("User name").FillAsync("alice");
            await Page.GetByLabel("Password", new() { Exact = true }).FillAsync("password123");
            await Page.GetByLabel("Confirm password").FillAsync("password123");
            await Page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
            await Expect(Page.GetByTestId("field-error").First).ToBeVisibleAsync();
            await Page.ScreenshotAsync(new() { Path = Path.Combine(ArtifactsDirectory, $"account-register-errors-{width}.png") });
        }

        await RegisterAsync("alexandra.longname-with-several-parts@example.org");
        await Expect(Page).ToHaveURLAsync(UrlOf(""));
        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            await Page.SetViewportSizeAsync(width, height);
            await Page.ScreenshotAsync(new() { Path = Path.Combine(ArtifactsDirectory, $"account-navbar-{width}.png") });
        }
    }

    [Fact]
    public async Task SignOut_InOneTab_EndsTheOtherTabsCircuitAtItsNextAction()
    {
        await RegisterAsync("alice");
        await Expect(Page).ToHaveURLAsync(UrlOf(""));
        await WaitForCircuitAsync();
        var other = await Page.Context.NewPageAsync();
        await other.GotoAsync("");
        await WaitForCircuitAsync(other);
        await other.GetByTestId("new-folder").ClickAsync();
        await other.GetByTestId("name-input").FillAsync("Made after sign-out");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(UrlOf("login"));
        await other.GetByTestId("name-ok").ClickAsync();

        // Straight to sign-in (which goes back to the dashboard it was on); no error bar on the way.
        await Expect(other).ToHaveURLAsync(UrlOf("login"));
        await Expect(other.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Level = 1 })).ToBeVisibleAsync();
        await Expect(other.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VaultDbContext>();
        Assert.False(await db.Folders.AnyAsync(f => f.Name == "Made after sign-out", TestContext.Current.CancellationToken));
    }
}
