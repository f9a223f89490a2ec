using System.Net;
using System.Net.Sockets;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.Storage;

/// <summary><c>Vault:Storage:*</c>: settings the app refuses to start with, the health check and presigned downloads.</summary>
public sealed class S3ConfigurationTests(S3Server s3)
{
    private static Dictionary<string, string?> Complete(string serviceUrl = "http://127.0.0.1:9/") => new()
    {
        ["Vault:Storage:Provider"] = "S3",
        ["Vault:Storage:S3:ServiceUrl"] = serviceUrl,
        ["Vault:Storage:S3:Bucket"] = "vault",
        ["Vault:Storage:S3:AccessKey"] = "key",
        ["Vault:Storage:S3:SecretKey"] = "secret",
        ["Vault:Storage:S3:ForcePathStyle"] = "true",
    };

    private static string StartFailure(IDictionary<string, string?> settings)
    {
        var failure = Assert.ThrowsAny<Exception>(() => new VaultApp(settings: settings));
        return failure.ToString();
    }

    [Theory]
    [InlineData("Vault:Storage:S3:Bucket", null)]
    [InlineData("Vault:Storage:S3:Bucket", "Not_A_Bucket")]
    [InlineData("Vault:Storage:S3:AccessKey", null)]
    [InlineData("Vault:Storage:S3:SecretKey", "")]
    [InlineData("Vault:Storage:S3:ServiceUrl", "ftp://example.com/")]
    [InlineData("Vault:Storage:S3:ServiceUrl", "not a url")]
    [InlineData("Vault:Storage:Provider", "Azure")]
    public void Start_WithABadSetting_StopsWithAMessageNamingIt(string key, string? value)
    {
        var settings = Complete();
        settings[key] = value;

        Assert.Contains(key, StartFailure(settings), StringComparison.Ordinal);
    }

    [Fact]
    public void Start_WhenTheServiceCannotBeReached_StopsNamingServiceUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var failure = StartFailure(Complete($"http://127.0.0.1:{port}/"));

        Assert.Contains("Vault:Storage:S3:ServiceUrl", failure, StringComparison.Ordinal);
        Assert.Contains("cannot be reached", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WhenTheBucketDoesNotExist_StopsNamingBucket()
    {
        var settings = await s3.NewBucketSettingsAsync("exists");
        settings["Vault:Storage:S3:Bucket"] = "no-such-bucket";

        Assert.Contains("Vault:Storage:S3:Bucket", StartFailure(settings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_ChecksTheBucket()
    {
        await using var app = new VaultApp(settings: await s3.NewBucketSettingsAsync("health"));
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        using var response = await client.GetAsync("health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PresignedDownloads_CheckAccessThenRedirectToTheBucket_ForOwnersAndLinks()
    {
        var settings = await s3.NewBucketSettingsAsync("presigned");
        settings["Vault:Storage:S3:PresignedDownloads"] = "true";
        await using var app = new VaultApp(settings: settings);
        using var alice = await FilesTestClient.CreateAsync(app);
        using var bob = await FilesTestClient.CreateAsync(app);
        var bytes = FilesTestClient.RandomBytes(100_000);
        var item = await alice.UploadAsync("report.pdf", bytes);
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        using var redirect = await alice.Browser.GetAsync($"download/{item.Id}");
        using var notYours = await bob.Browser.GetAsync($"download/{item.Id}");

        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notYours.StatusCode);
        var location = redirect.Headers.Location!;
        Assert.NotEqual(app.BaseAddress.Authority, location.Authority);
        Assert.Contains("X-Amz-Signature", location.Query, StringComparison.Ordinal);
        using var fromBucket = await noRedirects.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, fromBucket.StatusCode);
        Assert.Equal(bytes, await fromBucket.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", fromBucket.Content.Headers.ContentDisposition?.DispositionType);

        // HEAD and revalidation stay with the app.
        using var head = await alice.Browser.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"download/{item.Id}"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        var conditional = new HttpRequestMessage(HttpMethod.Get, $"download/{item.Id}");
        conditional.Headers.IfNoneMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{item.Sha256}\""));
        using var notModified = await alice.Browser.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var created = await alice.Api.PostAsJsonAsync($"api/files/{item.Id}/links", new { maxDownloads = 1 });
        var url = new Uri((await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("url").GetString()!);
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        // The link's own redirect carries a download grant; the grant's answer is the bucket's presigned URL.
        using var granted = await anonymous.GetAsync(url.AbsolutePath + "/download");
        Assert.Equal(HttpStatusCode.Found, granted.StatusCode);
        using var shared = await anonymous.GetAsync(granted.Headers.Location);
        using var exhausted = await anonymous.GetAsync(url.AbsolutePath + "/download");
        Assert.Equal(HttpStatusCode.Found, shared.StatusCode);
        Assert.NotEqual(app.BaseAddress.Authority, shared.Headers.Location!.Authority);
        Assert.Equal(HttpStatusCode.NotFound, exhausted.StatusCode);
    }
}
