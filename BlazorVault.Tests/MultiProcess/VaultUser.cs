using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using BlazorVault.Files;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.MultiProcess;

/// <summary>
/// A registered user as seen over HTTP by any number of app processes. <see cref="ApiOnAsync"/> fetches a
/// token from the process it is asked about, so that a test about something else does not depend on
/// tokens crossing processes (<see cref="TwoProcessTests"/> checks that on its own).
/// </summary>
public sealed class VaultUser : IDisposable
{
    private readonly Dictionary<VaultProcess, HttpClient> _clients = [];

    private VaultUser(string userName) => UserName = userName;

    public string UserName { get; }

    public static async Task<VaultUser> RegisterAsync(VaultProcess app)
    {
        var user = new VaultUser("u" + Guid.NewGuid().ToString("N")[..12]);
        using var browser = app.CreateBrowserClient();
        using var registered = await browser.RegisterAsync(user.UserName);
        Assert.True(registered.StatusCode == HttpStatusCode.Redirect, $"Registration answered {await app.DescribeAsync(registered)}");
        return user;
    }

    /// <summary>A fresh API token from <paramref name="app"/>.</summary>
    public async Task<string> TokenAsync(VaultProcess app)
    {
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        using var response = await client.PostAsJsonAsync("api/token", new { userName = UserName, password = FormClient.DefaultPassword });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST /api/token answered {await app.DescribeAsync(response)}");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>An API client of this user on <paramref name="app"/>, with a token that app issued.</summary>
    public async Task<HttpClient> ApiOnAsync(VaultProcess app)
    {
        if (!_clients.TryGetValue(app, out var client))
        {
            client = WithToken(app, await TokenAsync(app));
            _clients[app] = client;
        }

        return client;
    }

    public static HttpClient WithToken(VaultProcess app, string token)
    {
        var client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }
}

/// <summary>The file API calls the multi-process tests make, with their answers checked where a test does not look itself.</summary>
public static class VaultApi
{
    public static Task<HttpResponseMessage> UploadRawAsync(this HttpClient api, string name, byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return api.PostAsync(FilesTestClient.UploadPath(name), content);
    }

    public static async Task<FileItem> UploadAsync(this HttpClient api, string name, byte[] bytes)
    {
        using var response = await api.UploadRawAsync(name, bytes);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Upload of {name} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<FileItem>())!;
    }

    /// <summary>Every file of the user, all pages.</summary>
    public static async Task<List<FileItem>> ListAllAsync(this HttpClient api)
    {
        var items = new List<FileItem>();
        for (var page = 1; ; page++)
        {
            using var response = await api.GetAsync($"api/files?pageSize=500&page={page}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = (await response.Content.ReadFromJsonAsync<FileListResponse>())!;
            items.AddRange(body.Items);
            if (items.Count >= body.Total || body.Items.Count == 0)
            {
                return items;
            }
        }
    }

    /// <summary>The file's bytes; fails on any answer but 200.</summary>
    public static async Task<byte[]> DownloadAsync(this HttpClient api, Guid id)
    {
        using var response = await api.GetAsync($"api/files/{id}/content");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Download of {id} from {api.BaseAddress} answered {(int)response.StatusCode}.");
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>
    /// Every listed file downloads, with as many bytes as listed and the listed SHA-256: a row never
    /// outlives its bytes. Returns the listing.
    /// </summary>
    public static async Task<List<FileItem>> AssertEveryListedFileDownloadsIntactAsync(this HttpClient api)
    {
        var files = await api.ListAllAsync();
        foreach (var file in files)
        {
            var bytes = await api.DownloadAsync(file.Id);
            Assert.True(file.Size == bytes.Length, $"{file.Name} ({file.Id}) is listed with {file.Size} bytes but downloads {bytes.Length}.");
            Assert.True(file.Sha256 == FilesTestClient.Sha256(bytes), $"{file.Name} ({file.Id}) downloads bytes whose SHA-256 is not the listed one.");
        }

        return files;
    }

    /// <summary>The path of an upload's Location, whichever process answered it, so that another can be asked about it.</summary>
    public static string UploadPathOf(HttpResponseMessage created)
    {
        var location = created.Headers.Location ?? throw new Xunit.Sdk.XunitException("The creation answered no Location.");
        return (location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString).TrimStart('/');
    }
}
