using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorVault.Data;
using BlazorVault.Sharing;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Tests.Sharing;

/// <summary>How wrong passwords are limited: per link (a pause the owner sees), per client address and link, and how long the access log is kept.</summary>
public sealed class LinkPasswordLimitTests
{
    private const string Password = "open sesame 42";

    private static VaultApp Start(int failuresBeforePause, int triesPerAddress) => new(settings: new Dictionary<string, string?>
    {
        ["Vault:Links:PasswordFailuresBeforePause"] = failuresBeforePause.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Vault:Links:PasswordTriesPerAddress"] = triesPerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    [Fact]
    public async Task Link_AfterNWrongPasswordsFromAnywhere_IsPausedForEveryone_ButOnlyThatLink_AndTheOwnerSeesIt()
    {
        await using var app = Start(failuresBeforePause: 3, triesPerAddress: 1);
        using var alice = await FilesTestClient.CreateAsync(app);
        var file = await alice.UploadAsync("a.txt", [1]);
        var (id, path) = await LinkVisitor.CreateLinkAsync(alice, file.Id, new { password = Password });
        var (_, other) = await LinkVisitor.CreateLinkAsync(alice, file.Id, new { password = Password });
        using var visitor = new LinkVisitor(app);
        var token = await visitor.FormTokenAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(visitor.PostPasswordAsync(path, "guess 1", token, "192.0.2.1")));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(visitor.PostPasswordAsync(path, "guess 2", token, "192.0.2.2")));
        using (var third = await visitor.PostPasswordAsync(path, "guess 3", token, "192.0.2.3"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
            Assert.InRange(third.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
            Assert.Contains("it is paused", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Even the right password waits now, from anyone.
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(visitor.PostPasswordAsync(path, Password, token, "198.51.100.9")));
        // Another link is not touched.
        Assert.Equal(HttpStatusCode.Found, await StatusAsync(visitor.PostPasswordAsync(other, Password, token, "198.51.100.10")));

        var links = await alice.Api.GetFromJsonAsync<JsonElement[]>($"api/files/{file.Id}/links");
        var paused = Assert.Single(links!, l => l.GetProperty("id").GetGuid() == id).GetProperty("pausedUntil").GetDateTimeOffset();
        Assert.InRange(paused - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
        Assert.Equal(JsonValueKind.Null, Assert.Single(links!, l => l.GetProperty("id").GetGuid() != id).GetProperty("pausedUntil").ValueKind);

        // A new password lifts the pause.
        Assert.Equal(HttpStatusCode.OK, (await alice.Api.PatchAsJsonAsync($"api/links/{id}", new { password = "another good one" })).StatusCode);
        Assert.Equal(HttpStatusCode.Found, await StatusAsync(visitor.PostPasswordAsync(path, "another good one", token, "198.51.100.11")));
    }

    [Fact]
    public async Task WrongPasswords_AllAtOnce_PauseTheLinkAtExactlyTheLimit()
    {
        await using var app = Start(failuresBeforePause: 10, triesPerAddress: 1);
        using var alice = await FilesTestClient.CreateAsync(app);
        var file = await alice.UploadAsync("a.txt", [1]);
        var (_, path) = await LinkVisitor.CreateLinkAsync(alice, file.Id, new { password = Password });
        using var visitor = new LinkVisitor(app);
        var token = await visitor.FormTokenAsync(path);

        var answers = await Task.WhenAll(Enumerable.Range(1, 30).Select(i => StatusAsync(visitor.PostPasswordAsync(path, $"guess {i}", token, $"192.0.2.{i}"))));

        // Nine wrong answers; the tenth failure paused the link, and everything after it waits.
        Assert.Equal(9, answers.Count(a => a == HttpStatusCode.Forbidden));
        Assert.Equal(21, answers.Count(a => a == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task OneAddress_IsStoppedBeforeItCouldPauseTheLink_AndOthersStillGetIn()
    {
        await using var app = Start(failuresBeforePause: 5, triesPerAddress: 2);
        using var alice = await FilesTestClient.CreateAsync(app);
        var file = await alice.UploadAsync("a.txt", [1]);
        var (id, path) = await LinkVisitor.CreateLinkAsync(alice, file.Id, new { password = Password });
        var (_, other) = await LinkVisitor.CreateLinkAsync(alice, file.Id, new { password = Password });
        using var office = new LinkVisitor(app);
        var token = await office.FormTokenAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(office.PostPasswordAsync(path, "guess 1", token, "203.0.113.5")));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(office.PostPasswordAsync(path, "guess 2", token, "203.0.113.5")));
        for (var i = 0; i < 5; i++)
        {
            using var limited = await office.PostPasswordAsync(path, $"guess {i + 3}", token, "203.0.113.5");
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            Assert.NotNull(limited.Headers.RetryAfter);
        }

        // The office may still try its own other link; another client gets into this one: it was never paused.
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(office.PostPasswordAsync(other, "guess", token, "203.0.113.5")));
        Assert.Equal(HttpStatusCode.Found, await StatusAsync(office.PostPasswordAsync(path, Password, token, "198.51.100.1")));
        var links = await alice.Api.GetFromJsonAsync<JsonElement[]>($"api/files/{file.Id}/links");
        Assert.Equal(JsonValueKind.Null, Assert.Single(links!, l => l.GetProperty("id").GetGuid() == id).GetProperty("pausedUntil").ValueKind);
    }

    [Theory]
    [InlineData(12, 6)]
    [InlineData(3, 2)]
    public void Start_WithAPerAddressLimitThatCouldPauseALinkAlone_StopsWithAMessage(int failuresBeforePause, int triesPerAddress)
    {
        var failure = Assert.ThrowsAny<Exception>(() => Start(failuresBeforePause, triesPerAddress));
        Assert.Contains("PasswordTriesPerAddress", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccessLog_OlderThanAccessLogDays_IsPurgedByTheLeasedJob()
    {
        await using var app = new VaultApp(settings: new Dictionary<string, string?> { ["Vault:Links:AccessLogDays"] = "30" });
        using var alice = await FilesTestClient.CreateAsync(app);
        var file = await alice.UploadAsync("a.txt", [1]);
        var (id, _) = await LinkVisitor.CreateLinkAsync(alice, file.Id);
        var now = DateTimeOffset.UtcNow;
        var factory = app.Services.GetRequiredService<IDbContextFactory<VaultDbContext>>();
        await using (var db = await factory.CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            foreach (var days in new[] { 31, 45, 29, 1 })
            {
                db.ShareAccesses.Add(new ShareAccess { Id = Guid.NewGuid(), LinkId = id, At = now.AddDays(-days), Kind = ShareAccessKind.PageView, Browser = "Firefox" });
            }

            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        Assert.True(await app.Services.GetRequiredService<ShareAccessPurger>().TryRunAsync(TestContext.Current.CancellationToken));

        var log = await alice.Api.GetFromJsonAsync<JsonElement>($"api/links/{id}/log");
        Assert.Equal(2, log.GetProperty("total").GetInt32());
        Assert.All(log.GetProperty("items").EnumerateArray(), e => Assert.True(now - e.GetProperty("at").GetDateTimeOffset() < TimeSpan.FromDays(30)));
    }

    private static async Task<HttpStatusCode> StatusAsync(Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        return response.StatusCode;
    }
}
