using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using BlazorVault.Accounts;
using BlazorVault.Data;
using BlazorVault.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BlazorVault.Tests.Accounts;

public abstract class ApiTokenTests(DatabaseProvider provider) : IAsyncLifetime
{
    private readonly VaultApp _app = new(database: TestDatabase.Create(provider));

    public async ValueTask InitializeAsync()
    {
        using var client = _app.CreateBrowserClient();
        await client.RegisterAsync("alice");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _app.Database.Drop();
    }

    [Fact]
    public async Task Token_WithTheRightPassword_IsABearerTokenForTheApi()
    {
        using var client = _app.CreateBrowserClient();

        using var response = await client.PostAsJsonAsync("api/token", new { userName = "alice", password = FormClient.DefaultPassword });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Bearer", body.RootElement.GetProperty("token_type").GetString());
        Assert.Equal(3600, body.RootElement.GetProperty("expires_in").GetInt32());
        var token = body.RootElement.GetProperty("access_token").GetString()!;

        var jwt = new JsonWebToken(token);
        Assert.Equal("HS256", jwt.Alg);
        Assert.Equal(["api"], jwt.Audiences);
        Assert.False(string.IsNullOrEmpty(jwt.Kid));

        using var me = await GetMeAsync(client, token);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Contains("\"userName\":\"alice\"", await me.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AToken_WhoseSignatureWasCheckedBefore_IsStillRefused_AfterTheStampChanges_OrTheUserGoes()
    {
        using var client = _app.CreateBrowserClient();
        var token = await ForgeAsync(audience: "api", expires: DateTime.UtcNow.AddMinutes(30));
        // Twice: the second request finds the token's checked signature remembered.
        using (var first = await GetMeAsync(client, token))
        using (var second = await GetMeAsync(client, token))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.Contains("\"userName\":\"alice\"", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>();
            await users.UpdateSecurityStampAsync((await users.FindByNameAsync("alice"))!);
        }

        using (var afterStamp = await GetMeAsync(client, token))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, afterStamp.StatusCode);
        }

        var fresh = await ForgeAsync(audience: "api", expires: DateTime.UtcNow.AddMinutes(30));
        using (var ok = await GetMeAsync(client, fresh))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>();
            await users.DeleteAsync((await users.FindByNameAsync("alice"))!);
        }

        using var afterDelete = await GetMeAsync(client, fresh);
        Assert.Equal(HttpStatusCode.Unauthorized, afterDelete.StatusCode);
    }

    [Fact]
    public async Task ATamperedCopyOfAValidToken_IsRefused_EvenWhileTheTokenIsRemembered()
    {
        using var client = _app.CreateBrowserClient();
        var token = await ForgeAsync(audience: "api", expires: DateTime.UtcNow.AddMinutes(30));
        using (var ok = await GetMeAsync(client, token))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var parts = token.Split('.');
        var claims = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"alice\"", "\"mallory\"", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(claims))}.{parts[2]}";

        using var refused = await GetMeAsync(client, tampered);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Theory]
    [InlineData("alice", "wrong password")]
    [InlineData("nobody", FormClient.DefaultPassword)]
    public async Task Token_WithWrongCredentials_Is401WithoutSayingWhichPart(string userName, string password)
    {
        using var client = _app.CreateBrowserClient();

        using var response = await client.PostAsJsonAsync("api/token", new { userName, password });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        // The generic problem+json of every API 401, nothing about the name or the password.
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("user", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("password", body, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("{\"userName\":")]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("{\"userName\":\"alice\"}")]
    [InlineData("[1,2]")]
    public async Task Token_WithAMalformedBody_Is400(string body)
    {
        using var client = _app.CreateBrowserClient();

        using var response = await client.PostAsync("api/token", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Token_AfterFiveWrongPasswords_IsRefusedEvenWithTheRightOne()
    {
        using var client = _app.CreateBrowserClient();
        for (var i = 0; i < 5; i++)
        {
            using var failed = await client.PostAsJsonAsync("api/token", new { userName = "alice", password = "wrong " + i });
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var response = await client.PostAsJsonAsync("api/token", new { userName = "alice", password = FormClient.DefaultPassword });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Api_WithoutAToken_Is401NotARedirect()
    {
        using var client = _app.CreateBrowserClient();

        using var response = await client.GetAsync("api/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Api_WithOnlyASessionCookie_Is401()
    {
        using var client = _app.CreateBrowserClient();
        await client.SignInAsync("alice");

        using var response = await client.GetAsync("api/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")]
    public async Task Api_WithAGarbageToken_Is401(string token)
    {
        using var client = _app.CreateBrowserClient();
        using var response = await GetMeAsync(client, token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Api_WithAnExpiredToken_Is401()
    {
        var token = await ForgeAsync(audience: "api", expires: DateTime.UtcNow.AddMinutes(-5));
        using var client = _app.CreateBrowserClient();

        using var response = await GetMeAsync(client, token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("share")]
    [InlineData("something-else")]
    public async Task Api_WithATokenForAnotherAudience_Is401(string audience)
    {
        var token = await ForgeAsync(audience, DateTime.UtcNow.AddMinutes(5));
        using var client = _app.CreateBrowserClient();

        using var response = await GetMeAsync(client, token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Api_WithAForgedTokenSignedByAnotherKey_Is401()
    {
        var token = await ForgeAsync("api", DateTime.UtcNow.AddMinutes(5), new SymmetricSecurityKey(new byte[32]) { KeyId = "x" });
        using var client = _app.CreateBrowserClient();

        using var response = await GetMeAsync(client, token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Api_WithAWellSignedTokenForTheRightAudience_IsAccepted()
    {
        // Guards the tests above: the forging helper makes tokens the app accepts when nothing is wrong.
        var token = await ForgeAsync("api", DateTime.UtcNow.AddMinutes(5));
        using var client = _app.CreateBrowserClient();

        using var response = await GetMeAsync(client, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Token_AfterTheAppRestartsOnTheSameDataDirectory_StillWorks()
    {
        var directory = TempDirectory.Create();
        var database = TestDatabase.Create(provider);
        try
        {
            string token;
            await using (var first = new VaultApp(directory, database: database))
            {
                using var client = first.CreateBrowserClient();
                await client.RegisterAsync("zoe");
                token = await GetTokenAsync(client, "zoe");
            }

            await using var second = new VaultApp(directory, database: database);
            using var again = second.CreateBrowserClient();
            using var response = await GetMeAsync(again, token);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            TempDirectory.Delete(directory);
            database.Drop();
        }
    }

    [Fact]
    public async Task Token_SignedBeforeAKeyRotation_StillWorksAndNewTokensUseTheNewKey()
    {
        using var client = _app.CreateBrowserClient();
        var before = await GetTokenAsync(client, "alice");

        _app.Services.GetRequiredKeyedService<SigningKeyRing>(ApiTokenService.Audience).Rotate(TimeSpan.FromHours(1));
        var after = await GetTokenAsync(client, "alice");

        Assert.NotEqual(new JsonWebToken(before).Kid, new JsonWebToken(after).Kid);
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(client, before)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(client, after)).StatusCode);
    }

    private static async Task<string> GetTokenAsync(HttpClient client, string userName)
    {
        using var response = await client.PostAsJsonAsync("api/token", new { userName, password = FormClient.DefaultPassword });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("access_token").GetString()!;
    }

    private static Task<HttpResponseMessage> GetMeAsync(HttpClient client, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "api/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }

    /// <summary>A token as the app would make it for alice, unless the arguments say otherwise.</summary>
    private async Task<string> ForgeAsync(string audience, DateTime expires, SecurityKey? key = null)
    {
        key ??= _app.Services.GetRequiredKeyedService<SigningKeyRing>(ApiTokenService.Audience).Current;
        await using var scope = _app.Services.CreateAsyncScope();
        var alice = (await scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>().FindByNameAsync("alice"))!;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "BlazorVault",
            Audience = audience,
            IssuedAt = expires.AddHours(-1),
            NotBefore = expires.AddHours(-1),
            Expires = expires,
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, alice.Id),
                new Claim(JwtRegisteredClaimNames.Name, "alice"),
                new Claim(ApiTokenService.StampClaim, ApiTokenService.StampDigest(alice.SecurityStamp)),
            ]),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    public sealed class OnSqlite() : ApiTokenTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : ApiTokenTests(DatabaseProvider.PostgreSql);
}
