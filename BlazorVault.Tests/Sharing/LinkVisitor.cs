using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using BlazorVault.Sharing;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.Sharing;

/// <summary>A visitor of share links over HTTP: keeps cookies, follows no redirects, and can speak from another address.</summary>
public sealed partial class LinkVisitor : IDisposable
{
    private readonly HttpClientHandler _handler;

    public LinkVisitor(VaultApp app, string? address = null)
    {
        _handler = new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true, AllowAutoRedirect = false };
        Client = new HttpClient(_handler) { BaseAddress = app.BaseAddress };
        if (address is not null)
        {
            Client.DefaultRequestHeaders.Add(TestClientAddress.Header, address);
        }
    }

    public HttpClient Client { get; }

    public CookieContainer Cookies => _handler.CookieContainer;

    public static async Task<(Guid Id, string Url)> CreateLinkAsync(FilesTestClient owner, Guid fileId, object? body = null)
    {
        using var response = await owner.Api.PostAsJsonAsync($"api/files/{fileId}/links", body ?? new { });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (json.RootElement.GetProperty("id").GetGuid(), new Uri(json.RootElement.GetProperty("url").GetString()!).AbsolutePath.TrimStart('/'));
    }

    /// <summary>An antiforgery token for this visitor, from the page of a link that asks for a password.</summary>
    public async Task<string> FormTokenAsync(string lockedLinkPath)
    {
        var page = await Client.GetStringAsync(lockedLinkPath);
        var token = AntiforgeryToken().Match(page);
        Assert.True(token.Success, $"No password form on {lockedLinkPath}");
        return WebUtility.HtmlDecode(token.Groups[1].Value);
    }

    public Task<HttpResponseMessage> PostPasswordAsync(string linkPath, string password, string formToken, string? address = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, linkPath)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = formToken,
                ["_handler"] = "link-password",
                ["Password"] = password,
            }),
        };
        if (address is not null)
        {
            request.Headers.Remove(TestClientAddress.Header);
            request.Headers.Add(TestClientAddress.Header, address);
        }

        return Client.SendAsync(request);
    }

    /// <summary>Gives the password and expects to be let in: the proof cookie's value.</summary>
    public async Task<string> UnlockAsync(string linkPath, string password)
    {
        using var response = await PostPasswordAsync(linkPath, password, await FormTokenAsync(linkPath));
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(ShareClient.PasswordCookie + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"path=/{linkPath}", cookie, StringComparison.OrdinalIgnoreCase);
        return cookie[(ShareClient.PasswordCookie.Length + 1)..cookie.IndexOf(';', StringComparison.Ordinal)];
    }

    public void Dispose()
    {
        Client.Dispose();
        _handler.Dispose();
    }

    [GeneratedRegex("""<input[^>]*name="__RequestVerificationToken"[^>]*value="([^"]+)""")]
    private static partial Regex AntiforgeryToken();
}
