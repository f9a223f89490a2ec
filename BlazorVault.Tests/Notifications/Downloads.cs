using System.Net.Http.Json;
using System.Text.Json;
using BlazorVault.Data;
using BlazorVault.Sharing;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;
using BlazorVault.Tests.Sharing;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Tests.Notifications;

/// <summary>What notification tests do to a link from outside: download it whole as a visitor would, and write the log.</summary>
internal static class Downloads
{
    /// <summary>Downloads the link whole, as an anonymous visitor, and writes the access log (and so the notification).</summary>
    public static async Task ThroughLinkAsync(VaultApp app, string linkPath, byte[] expected)
    {
        using var visitor = ShareLinkHttpTests.Visitor(app);
        using (var page = await visitor.GetAsync(linkPath))
        {
            page.EnsureSuccessStatusCode();
        }

        var before = await CompletedAsync(app, linkPath);
        using (var download = await visitor.GetAsync(linkPath + "/download"))
        {
            Assert.Equal(expected, await download.Content.ReadAsByteArrayAsync());
        }

        await UntilCompletedLoggedAsync(app, linkPath, before);
    }

    /// <summary>
    /// Writes the access log until it holds more completed downloads of the link than <paramref name="before"/>: the
    /// server logs a download's end once its send returns, which can be just after the client has every byte.
    /// </summary>
    public static async Task UntilCompletedLoggedAsync(VaultApp app, string linkPath, int before)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            await app.Services.GetRequiredService<ShareAccessLog>().FlushAsync(TestContext.Current.CancellationToken);
            if (await CompletedAsync(app, linkPath) > before)
            {
                return;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"The download of {linkPath} never reached the access log.");
    }

    /// <summary>How many completed downloads of the link (its path ends in its public id) the access log holds.</summary>
    public static async Task<int> CompletedAsync(VaultApp app, string linkPath)
    {
        var publicId = linkPath.Split('/')[^1];
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VaultDbContext>();
        return await db.ShareAccesses.CountAsync(
            a => a.Kind == ShareAccessKind.DownloadCompleted && db.ShareLinks.Any(l => l.Id == a.LinkId && l.PublicId == publicId),
            TestContext.Current.CancellationToken);
    }

    public static async Task<string> UserIdAsync(VaultApp app, FilesTestClient user)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VaultDbContext>();
        return await db.Users.Where(u => u.UserName == user.UserName).Select(u => u.Id).SingleAsync();
    }

    public static Task<JsonElement> ListAsync(FilesTestClient user, string query = "") =>
        user.Api.GetFromJsonAsync<JsonElement>("api/notifications" + query);
}
