using System.Net;
using BlazorVault.Data;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Tests.Admin;

/// <summary>Registration modes and invites.</summary>
public abstract class InviteTests(DatabaseProvider provider)
{
    [Fact]
    public async Task InviteOnly_RefusesWithoutAnInvite_AndOneInviteMakesOneAccountEvenInParallel()
    {
        await using var bed = await AdminTestBed.StartAsync(provider);
        using (var mode = await bed.Admin.Api.PutAsJsonAsync("api/admin/registration", new { mode = "InviteOnly" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, mode.StatusCode);
        }

        using (var stranger = bed.App.CreateBrowserClient())
        {
            Assert.Contains("need an invite", await stranger.GetStringAsync("register"), StringComparison.Ordinal);
        }

        string secret;
        using (var created = await AdminTestBed.JsonAsync(await bed.Admin.Api.PostAsJsonAsync("api/admin/invites", new { expiresInHours = 24, quotaBytes = 12345 }), HttpStatusCode.Created))
        {
            secret = new Uri(created.RootElement.GetProperty("url").GetString()!).Query.Split("invite=")[1];
        }

        var clients = Enumerable.Range(0, 5).Select(_ => bed.App.CreateBrowserClient()).ToArray();
        try
        {
            var results = await AdminTestBed.PostTogetherAsync(clients, "register?invite=" + secret, "register", i => new Dictionary<string, string>
            {
                ["Input.UserName"] = $"invited{i}",
                ["Input.Password"] = FormClient.DefaultPassword,
                ["Input.ConfirmPassword"] = FormClient.DefaultPassword,
                ["invite"] = secret,
            });

            Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.Redirect));
            foreach (var refused in results.Where(r => r.StatusCode != HttpStatusCode.Redirect))
            {
                Assert.Contains("has been used or has expired", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }
        finally
        {
            foreach (var c in clients)
            {
                c.Dispose();
            }
        }

        await using var db = await bed.DatabaseAsync();
        var invited = await db.Users.Where(u => u.UserName!.StartsWith("invited")).ToListAsync();
        var account = Assert.Single(invited);
        Assert.Equal(12345, account.QuotaBytes);
        Assert.False(account.IsAdmin);
        Assert.Equal(account.UserName, (await db.Invites.SingleAsync()).UsedByName);
    }

    [Fact]
    public async Task ExpiredInvite_IsRefused_AndClosedRefusesEveryone()
    {
        await using var bed = await AdminTestBed.StartAsync(provider);
        string secret;
        using (var created = await AdminTestBed.JsonAsync(await bed.Admin.Api.PostAsJsonAsync("api/admin/invites", new { expiresInHours = 1 }), HttpStatusCode.Created))
        {
            secret = new Uri(created.RootElement.GetProperty("url").GetString()!).Query.Split("invite=")[1];
        }

        await using (var db = await bed.DatabaseAsync())
        {
            await db.Invites.ExecuteUpdateAsync(set => set.SetProperty(i => i.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1)));
        }

        using var late = bed.App.CreateBrowserClient();
        Assert.Contains("has been used or has expired", await late.GetStringAsync("register?invite=" + secret), StringComparison.Ordinal);

        using (var mode = await bed.Admin.Api.PutAsJsonAsync("api/admin/registration", new { mode = "Closed" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, mode.StatusCode);
        }

        using var stranger = bed.App.CreateBrowserClient();
        Assert.Contains("does not take new accounts", await stranger.GetStringAsync("register"), StringComparison.Ordinal);
        await using (var db = await bed.DatabaseAsync())
        {
            Assert.Equal(1, await db.Users.CountAsync());
        }

        using var bad = await bed.Admin.Api.PutAsJsonAsync("api/admin/registration", new { mode = "Sometimes" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var tooLong = await bed.Admin.Api.PostAsJsonAsync("api/admin/invites", new { expiresInHours = 10000 });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
    }

    [Fact]
    public async Task ClosedByConfiguration_StillLetsTheFirstAccountOfAnEmptyInstanceIn()
    {
        await using var bed = await AdminTestBed.StartAsync(provider, new Dictionary<string, string?> { ["Vault:Registration:Mode"] = "Closed" });
        await using var db = await bed.DatabaseAsync();
        Assert.True(await db.Users.AnyAsync(u => u.UserName == bed.Admin.UserName && u.IsAdmin));
        using var stranger = bed.App.CreateBrowserClient();
        Assert.Contains("does not take new accounts", await stranger.GetStringAsync("register"), StringComparison.Ordinal);
    }

    public sealed class OnSqlite() : InviteTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : InviteTests(DatabaseProvider.PostgreSql);
}
