using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using BlazorVault.Accounts;
using BlazorVault.Accounts.Tokens;
using BlazorVault.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace BlazorVault.Tests.Accounts;

/// <summary>The account page's forms, posted the way a browser posts them, and what tests need around them.</summary>
public static partial class AccountPageClient
{
    public const string NewPassword = "a brand new passphrase for alice";

    public static Task<HttpResponseMessage> ChangePasswordAsync(this HttpClient browser, string current, string next, string? confirm = null) =>
        browser.PostFormAsync("account", "change-password", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = current,
            ["Input.NewPassword"] = next,
            ["Input.ConfirmPassword"] = confirm ?? next,
        });

    public static Task<HttpResponseMessage> ChangeUserNameAsync(this HttpClient browser, string userName) =>
        browser.PostFormAsync("account", "change-username", new Dictionary<string, string> { ["Input.UserName"] = userName });

    public static Task<HttpResponseMessage> PressSessionButtonAsync(this HttpClient browser, string value) =>
        browser.PostFormAsync("account", "sessions", new Dictionary<string, string> { ["SignOut"] = value });

    public static Task<HttpResponseMessage> CreateTokenFormAsync(this HttpClient browser, string name, string expiry = "90", params string[] scopes)
    {
        var fields = new Dictionary<string, string> { ["Input.Name"] = name, ["Input.Expiry"] = expiry };
        foreach (var scope in scopes)
        {
            fields["Input." + char.ToUpperInvariant(scope[0]) + scope[1..]] = "True";
        }

        return browser.PostFormAsync("account", "create-token", fields);
    }

    public static Task<HttpResponseMessage> RevokeTokenFormAsync(this HttpClient browser, Guid id) =>
        browser.PostFormAsync("account", "revoke-token", new Dictionary<string, string> { ["Revoke"] = id.ToString() });

    public static async Task<IHtmlDocument> AccountPageAsync(this HttpClient browser)
    {
        using var response = await browser.GetAsync("account");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Parse(await response.Content.ReadAsStringAsync());
    }

    public static IHtmlDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    /// <summary>The handles of the sign-out buttons of other sessions on the account page.</summary>
    public static IReadOnlyList<string> OtherSessionHandles(IHtmlDocument page) =>
        [.. page.QuerySelectorAll("[data-testid=session] button[name=SignOut]").Select(b => b.GetAttribute("value")!)];

    public static HttpClient BearerClient(VaultApp app, string token)
    {
        var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task<string> UserIdAsync(VaultApp app, string userName)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>().FindByNameAsync(userName);
        Assert.NotNull(user);
        return user.Id;
    }

    /// <summary>A personal access token of the user, made through the service (the form has its own tests).</summary>
    public static async Task<(PersonalAccessToken Token, string Secret)> CreateTokenAsync(VaultApp app, string userName, ApiScopes scopes, TimeSpan? lifetime = null)
    {
        var created = await app.Services.GetRequiredService<PersonalAccessTokens>()
            .CreateAsync(await UserIdAsync(app, userName), "test token", scopes, lifetime);
        Assert.Null(created.Error);
        return (created.Token!, created.Secret!);
    }

    public static string? SecretOn(string html) => TokenSecret().Match(html) is { Success: true } match ? match.Value : null;

    [GeneratedRegex("bvpat_[A-Za-z0-9_-]{43}")]
    private static partial Regex TokenSecret();
}
