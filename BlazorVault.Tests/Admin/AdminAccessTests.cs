using System.Net;
using System.Text.Json;
using BlazorVault.Data;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Tests.Admin;

/// <summary>Who is an admin, and that nobody else finds the admin area at all.</summary>
public abstract class AdminAccessTests(DatabaseProvider provider)
{
    [Fact]
    public async Task EveryAdminRoute_IsNotFound_ForAnonymousSignedInAndTokenNonAdmins()
    {
        await using var bed = await AdminTestBed.StartAsync(provider);
        using var user = await FilesTestClient.CreateAsync(bed.App);
        using var anonymous = bed.App.CreateBrowserClient();
        var routes = AdminRoutes(bed.App);
        // The area is what this test says it is: pages and API both found.
        Assert.Contains(routes, r => r.Path == "/admin/users" && r.Method == "GET");
        Assert.Contains(routes, r => r.Path.StartsWith("/api/admin/users/", StringComparison.Ordinal) && r.Method == "DELETE");
        Assert.True(routes.Count >= 20, $"only {routes.Count} admin routes found");

        foreach (var (method, path) in routes)
        {
            foreach (var (who, client) in new[] { ("anonymous", anonymous), ("a signed-in user", user.Browser), ("a user's token", user.Api) })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'));
                if (method is "POST" or "PUT")
                {
                    request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                }

                using var response = await client.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path} for {who}: {(int)response.StatusCode}");
                Assert.Null(response.Headers.Location);
            }
        }

        // And the admin does find them: the 404s above are about who asks.
        foreach (var (method, path) in routes.Where(r => r.Method == "GET" && !r.Path.Contains('{', StringComparison.Ordinal) && !r.Path.Contains("/00000000", StringComparison.Ordinal)))
        {
            using var response = await (path.StartsWith("/api/", StringComparison.Ordinal) ? bed.Admin.Api : bed.Admin.Browser).GetAsync(path.TrimStart('/'));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} for the admin: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task NavMenu_ShowsAdmin_OnlyToAdmins()
    {
        await using var bed = await AdminTestBed.StartAsync(provider);
        using var user = await FilesTestClient.CreateAsync(bed.App);

        Assert.Contains("data-testid=\"nav-admin\"", await bed.Admin.Browser.GetStringAsync("/"), StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"nav-admin\"", await user.Browser.GetStringAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstRegistrations_InParallel_MakeExactlyOneAdmin()
    {
        for (var round = 0; round < 3; round++)
        {
            await using var app = new VaultApp(database: TestDatabase.Create(provider));
            var names = Enumerable.Range(0, 4).Select(i => $"first{round}x{i}").ToArray();
            var clients = names.Select(_ => app.CreateBrowserClient()).ToArray();
            var results = await AdminTestBed.PostTogetherAsync(clients, "register", "register", i => new Dictionary<string, string>
            {
                ["Input.UserName"] = names[i],
                ["Input.Password"] = FormClient.DefaultPassword,
                ["Input.ConfirmPassword"] = FormClient.DefaultPassword,
            });
            Assert.All(results, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));

            await using (var db = await app.Services.GetRequiredService<IDbContextFactory<VaultDbContext>>().CreateDbContextAsync())
            {
                Assert.Equal(4, await db.Users.CountAsync());
                Assert.Equal(1, await db.Users.CountAsync(u => u.IsAdmin));
            }

            foreach (var c in clients)
            {
                c.Dispose();
            }

            app.Database.Drop();
        }
    }

    [Fact]
    public async Task ConfiguredAdmin_IsAnAdmin_AndCannotBeDemotedInTheApp()
    {
        await using var bed = await AdminTestBed.StartAsync(provider, new Dictionary<string, string?> { ["Vault:Admin:UserNames:0"] = "Operator" });
        using var op = bed.App.CreateBrowserClient();
        await op.RegisterAsync("operator");
        using (var page = await op.GetAsync("admin"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        var id = await bed.IdOfAsync("operator");
        using var demote = await bed.Admin.Api.PutAsJsonAsync($"api/admin/users/{id}/admin", new { admin = false });
        Assert.Equal(HttpStatusCode.Conflict, demote.StatusCode);
    }

    [Fact]
    public async Task Admin_CannotDisableDeleteOrDemoteThemself()
    {
        await using var bed = await AdminTestBed.StartAsync(provider);
        var me = await bed.IdOfAsync(bed.Admin.UserName);

        using var disable = await bed.Admin.Api.PostAsync($"api/admin/users/{me}/disable", null);
        using var delete = await bed.Admin.Api.DeleteAsync($"api/admin/users/{me}");
        using var demote = await bed.Admin.Api.PutAsJsonAsync($"api/admin/users/{me}/admin", new { admin = false });

        Assert.Equal(HttpStatusCode.Conflict, disable.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, demote.StatusCode);
        Assert.Equal("application/problem+json", disable.Content.Headers.ContentType?.MediaType);
        using var page = await bed.Admin.Browser.GetAsync("admin");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task LastAdmin_CannotDeleteTheirAccount()
    {
        await using var bed = await AdminTestBed.StartAsync(provider);

        using var refused = await bed.Admin.Browser.PostFormAsync("account/delete", "delete-account", new Dictionary<string, string>
        {
            ["Input.UserName"] = bed.Admin.UserName,
            ["Input.Password"] = FormClient.DefaultPassword,
        });

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("only administrator", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = await bed.DatabaseAsync();
        Assert.True(await db.Users.AnyAsync(u => u.UserName == bed.Admin.UserName));
    }

    [Fact]
    public async Task AdminActions_AreInTheAuditLog()
    {
        await using var bed = await AdminTestBed.StartAsync(provider);
        using var user = await FilesTestClient.CreateAsync(bed.App);
        var id = await bed.IdOfAsync(user.UserName);

        using (var quota = await bed.Admin.Api.PutAsJsonAsync($"api/admin/users/{id}/quota", new { quotaBytes = 1000 }))
        {
            Assert.Equal(HttpStatusCode.NoContent, quota.StatusCode);
        }

        using (var disable = await bed.Admin.Api.PostAsync($"api/admin/users/{id}/disable", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, disable.StatusCode);
        }

        using var audit = await AdminTestBed.JsonAsync(await bed.Admin.Api.GetAsync("api/admin/audit"), HttpStatusCode.OK);
        var entries = audit.RootElement.GetProperty("items").EnumerateArray()
            .Select(e => (e.GetProperty("actor").GetString(), e.GetProperty("action").GetString(), e.GetProperty("target").GetString())).ToList();
        Assert.Equal([(bed.Admin.UserName, "disable", user.UserName), (bed.Admin.UserName, "set quota", user.UserName)], entries);
        Assert.Contains(user.UserName, await bed.Admin.Browser.GetStringAsync("admin/audit"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quota_SetByAnAdmin_IsTheUsersQuota()
    {
        await using var bed = await AdminTestBed.StartAsync(provider);
        using var user = await FilesTestClient.CreateAsync(bed.App);
        var id = await bed.IdOfAsync(user.UserName);
        using (var quota = await bed.Admin.Api.PutAsJsonAsync($"api/admin/users/{id}/quota", new { quotaBytes = 10 }))
        {
            Assert.Equal(HttpStatusCode.NoContent, quota.StatusCode);
        }

        using var tooBig = await user.UploadRawAsync("eleven.bin", new byte[11]);
        Assert.Equal(HttpStatusCode.InsufficientStorage, tooBig.StatusCode);
        await user.UploadAsync("ten.bin", new byte[10]);
        using var usage = await AdminTestBed.JsonAsync(await user.Api.GetAsync("api/usage"), HttpStatusCode.OK);
        Assert.Equal(10, usage.RootElement.GetProperty("quotaBytes").GetInt64());

        using var negative = await bed.Admin.Api.PutAsJsonAsync($"api/admin/users/{id}/quota", new { quotaBytes = -1 });
        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
    }

    [Fact]
    public async Task Overview_ShowsTheLastFailureOfABackgroundJob()
    {
        await using var bed = await AdminTestBed.StartAsync(provider);
        var job = new FailingJob(bed.App.Services.GetRequiredService<JobLeases>());
        await Assert.ThrowsAsync<IOException>(() => job.TryRunAsync(CancellationToken.None));

        using var overview = await AdminTestBed.JsonAsync(await bed.Admin.Api.GetAsync("api/admin/overview"), HttpStatusCode.OK);
        var failing = overview.RootElement.GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("name").GetString() == "failing");
        Assert.Equal("IOException: the disk is on fire", failing.GetProperty("lastError").GetString());
        Assert.Equal(JsonValueKind.String, failing.GetProperty("lastErrorAt").ValueKind);
        Assert.Contains("the disk is on fire", await bed.Admin.Browser.GetStringAsync("admin"), StringComparison.Ordinal);
    }

    private sealed class FailingJob(JobLeases leases)
        : LeasedJob(leases, new InstanceIdentity(), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)
    {
        protected override string Name => "failing";

        protected override TimeSpan Interval => TimeSpan.FromHours(1);

        protected override Task<string?> RunOnceAsync(CancellationToken cancellationToken) => throw new IOException("the disk is on fire");
    }

    /// <summary>Every route of the admin area, from the app's own endpoint table, with its parameters filled in.</summary>
    internal static List<(string Method, string Path)> AdminRoutes(VaultApp app)
    {
        var routes = new List<(string, string)>();
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (!pattern.StartsWith("/admin", StringComparison.Ordinal) && !pattern.StartsWith("/api/admin", StringComparison.Ordinal))
            {
                continue;
            }

            var path = System.Text.RegularExpressions.Regex.Replace(pattern, "\\{[^}]+\\}", "00000000-0000-0000-0000-000000000001");
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            routes.AddRange(methods.Select(m => (m, path)));
        }

        return [.. routes.Distinct()];
    }

    public sealed class OnSqlite() : AdminAccessTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : AdminAccessTests(DatabaseProvider.PostgreSql);
}
