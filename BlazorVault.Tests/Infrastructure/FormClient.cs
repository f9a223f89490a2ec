using System.Net;
using System.Text.RegularExpressions;

namespace BlazorVault.Tests.Infrastructure;

/// <summary>Fills and posts the app's server-rendered forms the way a browser does.</summary>
public static partial class FormClient
{
    public const string DefaultPassword = "correct horse battery staple";

    public static async Task<HttpResponseMessage> PostFormAsync(
        this HttpClient client, string path, string handler, IDictionary<string, string> fields)
    {
        var page = await client.GetStringAsync(path);
        var token = AntiforgeryToken().Match(page);
        Assert.True(token.Success, $"No antiforgery token on {path}");

        var form = new Dictionary<string, string>(fields)
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["_handler"] = handler,
        };
        return await client.PostAsync(path, new FormUrlEncodedContent(form));
    }

    public static Task<HttpResponseMessage> RegisterAsync(this HttpClient client, string userName, string password = DefaultPassword, string? confirm = null) =>
        client.PostFormAsync("register", "register", new Dictionary<string, string>
        {
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = confirm ?? password,
        });

    public static Task<HttpResponseMessage> SignInAsync(this HttpClient client, string userName, string password = DefaultPassword, string path = "login") =>
        client.PostFormAsync(path, "login", new Dictionary<string, string>
        {
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
        });

    public static Task<HttpResponseMessage> SignOutAsync(this HttpClient client) =>
        client.PostFormAsync("logout", "logout", new Dictionary<string, string>());

    [GeneratedRegex("""<input[^>]*name="__RequestVerificationToken"[^>]*value="([^"]+)""")]
    private static partial Regex AntiforgeryToken();
}
