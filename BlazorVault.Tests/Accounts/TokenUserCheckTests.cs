using System.Net;
using System.Text.Json;
using BlazorVault.Accounts;
using BlazorVault.Data;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Tests.Accounts;

/// <summary>
/// An endpoint that makes an API token's user check in its own read (<see cref="TokenUserChecks"/>, an owner's
/// download) refuses every token the token handler refuses, at once and with the same answer (that it serves
/// nothing but the user's own live files is in FileDownloadTests, for both download routes).
/// </summary>
public abstract class TokenUserCheckTests(SharedVaultApp shared)
{
    private readonly VaultApp _app = shared.App;

    public static TheoryData<string> Spoilers => ["stamp changed", "disabled", "locked for good", "deleted"];

    [Theory]
    [MemberData(nameof(Spoilers))]
    public async Task ADownload_WithTheTokenOfAUserWhoNoLongerStands_IsRefused_AsTheTokenHandlerRefusesIt(string spoiler)
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var file = await alice.UploadAsync("a.txt", "alice's bytes"u8.ToArray());
        using (var before = await alice.Api.GetAsync($"api/files/{file.Id}/content"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await SpoilAsync(alice.UserName, spoiler);

        // The token handler's own refusal, on an endpoint that leaves it the check.
        using var me = await alice.Api.GetAsync("api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        using var meBody = JsonDocument.Parse(await me.Content.ReadAsStringAsync());
        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, $"api/files/{file.Id}/content"),
            (HttpMethod.Head, $"api/files/{file.Id}/content"),
            (HttpMethod.Get, $"api/files/{Guid.NewGuid()}/content"),
        })
        {
            using var request = new HttpRequestMessage(method, path);
            using var response = await alice.Api.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(me.Headers.WwwAuthenticate.ToString(), response.Headers.WwwAuthenticate.ToString());
            if (method == HttpMethod.Get)
            {
                Assert.Equal(me.Content.Headers.ContentType?.MediaType, response.Content.Headers.ContentType?.MediaType);
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.Equal(meBody.RootElement.GetProperty("title").GetString(), body.RootElement.GetProperty("title").GetString());
                Assert.Equal(401, body.RootElement.GetProperty("status").GetInt32());
            }
        }
    }

    [Fact]
    public async Task EveryEndpointThatChecksTheTokenUserInItsRead_ServesAStandingUser_AndRefusesADisabledOne()
    {
        var marked = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<TokenUserChecks.InItsRead>() is not null)
            .ToList();
        Assert.NotEmpty(marked);
        using var bob = await FilesTestClient.CreateAsync(_app);
        var file = await bob.UploadAsync("b.txt", "bob's bytes"u8.ToArray());

        async Task<List<(string Path, HttpStatusCode Status)>> AskAllAsync()
        {
            var answers = new List<(string, HttpStatusCode)>();
            foreach (var endpoint in marked)
            {
                // Every route value is the file's id: these endpoints are about one of the user's files.
                var path = string.Join('/', endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part =>
                    part is Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal ? literal.Content : file.Id.ToString()))));
                var method = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.FirstOrDefault() ?? "GET";
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                using var response = await bob.Api.SendAsync(request);
                answers.Add((path, response.StatusCode));
            }

            return answers;
        }

        Assert.All(await AskAllAsync(), answer => Assert.True(answer.Status == HttpStatusCode.OK, $"{answer.Path}: {answer.Status}"));
        await SpoilAsync(bob.UserName, "disabled");
        Assert.All(await AskAllAsync(), answer => Assert.True(answer.Status == HttpStatusCode.Unauthorized, $"{answer.Path}: {answer.Status}"));
    }

    /// <summary>Makes the user's tokens no good one way; straight in the database, so that only that one reason applies.</summary>
    private async Task SpoilAsync(string userName, string spoiler)
    {
        if (spoiler is "stamp changed" or "deleted")
        {
            await using var scope = _app.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>();
            var user = (await users.FindByNameAsync(userName))!;
            var result = spoiler == "deleted" ? await users.DeleteAsync(user) : await users.UpdateSecurityStampAsync(user);
            Assert.True(result.Succeeded);
            return;
        }

        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<VaultDbContext>>().CreateDbContextAsync();
        var changed = spoiler == "disabled"
            ? await db.Users.Where(u => u.UserName == userName).ExecuteUpdateAsync(s => s.SetProperty(u => u.DisabledAt, DateTimeOffset.UtcNow))
            : await db.Users.Where(u => u.UserName == userName).ExecuteUpdateAsync(s => s.SetProperty(u => u.LockoutEnd, DateTimeOffset.UtcNow.AddYears(100)));
        Assert.Equal(1, changed);
    }

    public sealed class OnSqlite(SharedVaultApp.Sqlite shared) : TokenUserCheckTests(shared), IClassFixture<SharedVaultApp.Sqlite>;

    public sealed class OnPostgreSql(SharedVaultApp.PostgreSql shared) : TokenUserCheckTests(shared), IClassFixture<SharedVaultApp.PostgreSql>;
}
