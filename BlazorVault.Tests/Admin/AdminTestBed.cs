using System.Net;
using System.Text.Json;
using BlazorVault.Data;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Tests.Admin;

/// <summary>A fresh installation whose first account (the admin) is registered; helpers to read its database.</summary>
public sealed class AdminTestBed : IAsyncDisposable
{
    private AdminTestBed(VaultApp app, FilesTestClient admin)
    {
        App = app;
        Admin = admin;
    }

    public VaultApp App { get; }

    /// <summary>The first account: the admin.</summary>
    public FilesTestClient Admin { get; }

    public static async Task<AdminTestBed> StartAsync(DatabaseProvider provider, IDictionary<string, string?>? settings = null)
    {
        var app = new VaultApp(settings: settings, database: TestDatabase.Create(provider));
        return new AdminTestBed(app, await FilesTestClient.CreateAsync(app));
    }

    public async Task<string> IdOfAsync(string userName)
    {
        await using var db = await DatabaseAsync();
        return await db.Users.Where(u => u.UserName == userName).Select(u => u.Id).SingleAsync();
    }

    public async Task<VaultDbContext> DatabaseAsync() =>
        await App.Services.GetRequiredService<IDbContextFactory<VaultDbContext>>().CreateDbContextAsync();

    public static async Task<JsonDocument> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }

    /// <summary>
    /// Fetches the form at <paramref name="path"/> in every client first, then posts them all at once: a race of
    /// the posts themselves, not of one client's post against another's page load.
    /// </summary>
    public static async Task<HttpResponseMessage[]> PostTogetherAsync(
        IReadOnlyList<HttpClient> clients, string path, string handler, Func<int, Dictionary<string, string>> fields)
    {
        var tokens = new List<string>();
        foreach (var client in clients)
        {
            var page = await client.GetStringAsync(path);
            var token = System.Text.RegularExpressions.Regex.Match(page, "<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)");
            Assert.True(token.Success, $"No form on {path}");
            tokens.Add(WebUtility.HtmlDecode(token.Groups[1].Value));
        }

        using var start = new SemaphoreSlim(0);
        var posts = clients.Select(async (client, i) =>
        {
            var form = fields(i);
            form["__RequestVerificationToken"] = tokens[i];
            form["_handler"] = handler;
            await start.WaitAsync();
            return await client.PostAsync(path, new FormUrlEncodedContent(form));
        }).ToArray();
        start.Release(clients.Count);
        return await Task.WhenAll(posts);
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await App.DisposeAsync();
        App.Database.Drop();
    }
}
