using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using BlazorVault.Accounts;
using Microsoft.AspNetCore.Identity;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BlazorVault.Tests.Accounts;

/// <summary>Upgrading an installation whose keys lived in files in the data directory.</summary>
public sealed class KeyFileImportTests : IDisposable
{
    private readonly string _directory = TempDirectory.Create();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        TempDirectory.Delete(_directory);
    }

    [Fact]
    public async Task ApiToken_SignedWithTheOldKeyFile_IsAcceptedAfterTheUpgradeAndWithoutTheFileThereafter()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var keys = Directory.CreateDirectory(Path.Combine(_directory, "keys"));
        // The format the file-based key ring wrote.
        await File.WriteAllTextAsync(Path.Combine(keys.FullName, "api-signing-keys.json"), JsonSerializer.Serialize(new[]
        {
            new { Id = "old-kid", CreatedAt = DateTimeOffset.UtcNow.AddDays(-10), Secret = Convert.ToBase64String(secret) },
        }));
        string token;
        await using (var upgraded = new VaultApp(_directory))
        {
            using var client = upgraded.CreateBrowserClient();
            await client.RegisterAsync("alice");
            await using (var scope = upgraded.Services.CreateAsyncScope())
            {
                var alice = await scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>().FindByNameAsync("alice");
                token = SharedKeysTests.Forge(new SymmetricSecurityKey(secret) { KeyId = "old-kid" }, alice);
            }

            Assert.Equal(HttpStatusCode.OK, (await SharedKeysTests.GetMeAsync(client, token)).StatusCode);
            // The imported key is the newest, so it goes on signing.
            Assert.Equal("old-kid", new JsonWebToken(await SharedKeysTests.GetTokenAsync(client, "alice")).Kid);
        }

        keys.Delete(recursive: true);
        await using var restarted = new VaultApp(_directory);
        using var again = restarted.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.OK, (await SharedKeysTests.GetMeAsync(again, token)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SharedKeysTests.GetMeAsync(again, SharedKeysTests.Forge(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = "old-kid" }))).StatusCode);
    }

    [Fact]
    public async Task SessionCookie_FromBeforeTheUpgrade_StillOpensTheDashboard()
    {
        string session;
        await using (var before = new VaultApp(_directory))
        {
            using var client = before.CreateBrowserClient();
            await client.RegisterAsync("alice");
            using var signedIn = await client.SignInAsync("alice");
            session = SharedKeysTests.SessionCookieOf(signedIn);
        }

        // Put the installation back as the file-based version left it: its keys as files, none in the table.
        var folder = Directory.CreateDirectory(Path.Combine(_directory, "data-protection-keys"));
        await using (var db = SharedKeysTests.OpenDatabase(_directory))
        {
            foreach (var key in await db.DataProtectionKeys.ToListAsync())
            {
                await File.WriteAllTextAsync(Path.Combine(folder.FullName, key.FriendlyName + ".xml"), key.Xml);
            }

            Assert.NotEqual(0, await db.DataProtectionKeys.ExecuteDeleteAsync());
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using var upgraded = new VaultApp(_directory);
        using var dashboard = await SharedKeysTests.GetDashboardAsync(upgraded, session);

        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Matches("data-testid=\"nav-user\"[^>]*>alice<", await dashboard.Content.ReadAsStringAsync());
        await using var after = SharedKeysTests.OpenDatabase(_directory);
        var names = await after.DataProtectionKeys.Select(k => k.FriendlyName).ToListAsync();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal(folder.GetFiles("*.xml").Select(f => Path.GetFileNameWithoutExtension(f.Name)).Order(), names.Order());
    }
}
