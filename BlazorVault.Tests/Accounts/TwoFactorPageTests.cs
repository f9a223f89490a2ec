using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using BlazorVault.Accounts;
using BlazorVault.Accounts.Passkeys;
using BlazorVault.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace BlazorVault.Tests.Accounts;

/// <summary>The two-factor and passkeys pages over HTTP: who may see them, turning it on and off, and the passkey option endpoints.</summary>
public sealed partial class TwoFactorPageTests : IAsyncLifetime
{
    private readonly VaultApp _app = new();
    private HttpClient _alice = default!;

    public async ValueTask InitializeAsync()
    {
        _alice = _app.CreateBrowserClient();
        using var registered = await _alice.RegisterAsync("alice");
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        _alice.Dispose();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("account/two-factor")]
    [InlineData("account/passkeys")]
    public async Task Pages_WhenSignedOut_SendToSignIn(string path)
    {
        using var anonymous = _app.CreateBrowserClient();

        using var response = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?returnUrl=" + Uri.EscapeDataString("/" + path), _app.PathOf(response.Headers.Location));
    }

    [Fact]
    public async Task TurnOn_WithAWrongCode_SaysSo_AndStaysOff_WithTheRightOne_ShowsTenCodesOnce()
    {
        using var setup = await _alice.PostFormAsync("account/two-factor", "setup", new Dictionary<string, string>());
        var key = (await Page(setup)).QuerySelector("[data-testid=manual-key]")!.TextContent.Replace(" ", "", StringComparison.Ordinal);

        using var wrong = await _alice.PostFormAsync("account/two-factor", "enable", new Dictionary<string, string> { ["EnableInput.Code"] = "000000" });
        var wrongPage = await Page(wrong);
        Assert.Contains("not right", wrongPage.QuerySelector("[data-testid=error]")!.TextContent, StringComparison.Ordinal);
        // The same key again, to try once more.
        Assert.Equal(key, wrongPage.QuerySelector("[data-testid=manual-key]")!.TextContent.Replace(" ", "", StringComparison.Ordinal));
        Assert.False(await IsOnAsync());

        using var right = await _alice.PostFormAsync("account/two-factor", "enable", new Dictionary<string, string> { ["EnableInput.Code"] = TestTotp.Code(key, DateTimeOffset.UtcNow) });
        var codes = (await Page(right)).QuerySelectorAll("[data-testid=recovery-codes] li code").Select(c => c.TextContent).ToArray();
        Assert.Equal(10, codes.Distinct().Count());
        Assert.True(await IsOnAsync());
        // This session goes on although turning it on replaced the security stamp.
        using var shown = await _alice.GetAsync("account/two-factor");
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        var html = await shown.Content.ReadAsStringAsync();
        Assert.Contains("10 recovery codes are left.", html, StringComparison.Ordinal);
        Assert.DoesNotContain(codes[0], html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TurnOff_NeedsThePassword()
    {
        await TurnOnAsync();

        using var wrong = await _alice.PostFormAsync("account/two-factor", "disable", new Dictionary<string, string> { ["DisableInput.Password"] = "not my password" });
        Assert.Equal("That is not your password.", (await Page(wrong)).QuerySelector("[data-testid=error]")!.TextContent);
        Assert.True(await IsOnAsync());

        using var right = await _alice.PostFormAsync("account/two-factor", "disable", new Dictionary<string, string> { ["DisableInput.Password"] = FormClient.DefaultPassword });
        Assert.Equal("Two-factor sign-in is off.", (await Page(right)).QuerySelector("[data-testid=status]")!.TextContent);
        Assert.False(await IsOnAsync());
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>();
        var alice = (await users.FindByNameAsync("alice"))!;
        Assert.Null(await users.GetAuthenticatorKeyAsync(alice));
        Assert.Equal(0, await users.CountRecoveryCodesAsync(alice));
    }

    [Fact]
    public async Task NewRecoveryCodes_EndTheOldOnes()
    {
        var old = await TurnOnAsync();

        using var renewed = await _alice.PostFormAsync("account/two-factor", "new-codes", new Dictionary<string, string>());
        var fresh = (await Page(renewed)).QuerySelectorAll("[data-testid=recovery-codes] li code").Select(c => c.TextContent).ToArray();

        Assert.Equal(10, fresh.Length);
        Assert.Empty(fresh.Intersect(old));
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>();
        var alice = (await users.FindByNameAsync("alice"))!;
        Assert.False((await users.RedeemTwoFactorRecoveryCodeAsync(alice, old[0])).Succeeded);
        Assert.True((await users.RedeemTwoFactorRecoveryCodeAsync(alice, fresh[0])).Succeeded);
    }

    [Fact]
    public async Task PasskeyOptions_WithoutTheFormsToken_AreRefused_WithIt_AreGiven()
    {
        using var anonymous = _app.CreateBrowserClient();
        using var bare = await anonymous.PostAsync(PasskeyEndpoints.RequestOptionsPath.TrimStart('/'), null);
        Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
        Assert.Equal("application/problem+json", bare.Content.Headers.ContentType?.MediaType);

        var token = AntiforgeryToken().Match(await anonymous.GetStringAsync("login")).Groups[1].Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, PasskeyEndpoints.RequestOptionsPath.TrimStart('/'));
        request.Headers.Add("RequestVerificationToken", WebUtility.HtmlDecode(token));
        using var options = await anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, options.StatusCode);
        var json = await options.Content.ReadAsStringAsync();
        Assert.Contains("\"challenge\"", json, StringComparison.Ordinal);
        // Nothing about any account: no user name was given, and none is named.
        Assert.DoesNotContain("alice", json, StringComparison.Ordinal);

        // Creation options only for a signed-in user.
        using var creation = await anonymous.PostAsync(PasskeyEndpoints.CreationOptionsPath.TrimStart('/'), null);
        Assert.NotEqual(HttpStatusCode.OK, creation.StatusCode);
    }

    private async Task<string[]> TurnOnAsync()
    {
        using var setup = await _alice.PostFormAsync("account/two-factor", "setup", new Dictionary<string, string>());
        var key = (await Page(setup)).QuerySelector("[data-testid=manual-key]")!.TextContent.Replace(" ", "", StringComparison.Ordinal);
        using var right = await _alice.PostFormAsync("account/two-factor", "enable", new Dictionary<string, string> { ["EnableInput.Code"] = TestTotp.Code(key, DateTimeOffset.UtcNow) });
        return [.. (await Page(right)).QuerySelectorAll("[data-testid=recovery-codes] li code").Select(c => c.TextContent)];
    }

    private async Task<bool> IsOnAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>();
        return await users.GetTwoFactorEnabledAsync((await users.FindByNameAsync("alice"))!);
    }

    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> Page(HttpResponseMessage response) =>
        new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());

    [GeneratedRegex("""<input[^>]*name="__RequestVerificationToken"[^>]*value="([^"]+)""")]
    private static partial Regex AntiforgeryToken();
}
