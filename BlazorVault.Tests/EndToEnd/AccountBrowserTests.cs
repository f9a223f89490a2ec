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
        await Expect(Page.GetByText("Your files")).Not.ToBeVisibleAsync();
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
    public async Task Register_WithACommonPassword_ShowsWhyAndCreatesNoAccount()
    {
        await RegisterAsync("alice", "password123");

        await Expect(Alert).ToHaveTextAsync(
            "This password is one of the most common ones and is easy to guess. Choose another.");
        await Expect(Page).ToHaveURLAsync(UrlOf("register"));
        await Expect(NavUser).Not.ToBeAttachedAsync();

        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>();
        Assert.Null(await users.FindByNameAsync("alice"));
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

        // Straight to sign-in, coming back to where it was; no error bar on the way.
        await Expect(other).ToHaveURLAsync(new Regex("/login\\?returnUrl=%2F$", RegexOptions.IgnoreCase));
        await Expect(other.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Level = 1 })).ToBeVisibleAsync();
        await Expect(other.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VaultDbContext>();
        Assert.False(await db.Folders.AnyAsync(f => f.Name == "Made after sign-out", TestContext.Current.CancellationToken));
    }
}
