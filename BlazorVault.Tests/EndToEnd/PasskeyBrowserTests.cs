using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>
/// A passkey added on the passkeys page and used to sign in without a password, with Chromium's virtual
/// authenticator (DevTools' WebAuthn domain) standing in for a phone or security key. On localhost:
/// a passkey belongs to a domain name, never to an IP address.
/// </summary>
public sealed class PasskeyBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    private string Local(string path) => $"http://localhost:{App.BaseAddress.Port}/{path}";

    [Fact]
    public async Task AddAPasskey_ThenSignInWithItAlone_AndAfterRemovingItNoMore()
    {
        var cdp = await Page.Context.NewCDPSessionAsync(Page);
        await cdp.SendAsync("WebAuthn.enable");
        var added = await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
        var authenticatorId = added!.Value.GetProperty("authenticatorId").GetString()!;

        await Page.GotoAsync(Local("register"));
        await Page.GetByLabel("User name").FillAsync("alice");
        await Page.GetByLabel("Password", new() { Exact = true }).FillAsync(Infrastructure.FormClient.DefaultPassword);
        await Page.GetByLabel("Confirm password").FillAsync(Infrastructure.FormClient.DefaultPassword);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(Page.GetByTestId("nav-user")).ToHaveTextAsync("alice");

        await Page.GotoAsync(Local("account/passkeys"));
        await Expect(Page.GetByTestId("no-passkeys")).ToBeVisibleAsync();
        await Page.GetByLabel("Name, e.g. \"Work laptop\"").FillAsync("Test laptop");
        await Page.GetByTestId("add-passkey").ClickAsync();

        await Expect(Page.GetByTestId("status")).ToHaveTextAsync("Passkey \"Test laptop\" added. You can sign in with it now.");
        await Expect(Page.GetByTestId("passkey-name")).ToHaveTextAsync(["Test laptop"]);
        var credentials = await cdp.SendAsync("WebAuthn.getCredentials", new Dictionary<string, object> { ["authenticatorId"] = authenticatorId });
        Assert.Equal(1, credentials!.Value.GetProperty("credentials").GetArrayLength());

        await Page.GetByText("Rename").ClickAsync();
        await Page.GetByLabel("New name").FillAsync("Old laptop");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(Page.GetByTestId("passkey-name")).ToHaveTextAsync(["Old laptop"]);
        await Page.SetViewportSizeAsync(390, 844);
        await SaveScreenshotAsync("passkeys-phone", fullPage: true);
        await Page.SetViewportSizeAsync(1280, 800);
        await SaveScreenshotAsync("passkeys-desktop", fullPage: true);

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Page.GotoAsync(Local("login"));
        await SaveScreenshotAsync("login-desktop", fullPage: true);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Use a passkey" }).ClickAsync();

        await Expect(Page).ToHaveURLAsync(Local(""));
        await Expect(Page.GetByTestId("nav-user")).ToHaveTextAsync("alice");

        // Removed from the account, the authenticator's passkey signs nobody in.
        await Page.GotoAsync(Local("account/passkeys"));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Remove Old laptop" }).ClickAsync();
        await Expect(Page.GetByTestId("no-passkeys")).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Page.GotoAsync(Local("login"));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Use a passkey" }).ClickAsync();
        await Expect(Page.GetByTestId("passkey-error")).ToHaveTextAsync("That passkey was not accepted. It may have been removed from your account.");
        await Expect(Page.GetByTestId("nav-user")).Not.ToBeAttachedAsync();
    }
}
