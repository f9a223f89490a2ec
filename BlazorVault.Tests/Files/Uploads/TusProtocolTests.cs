using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.Files.Uploads;

/// <summary>tus 1.0 at /api/uploads against the real app: the protocol, its limits and who may touch an upload.</summary>
public abstract partial class TusProtocolTests(TusProtocolTests.LimitedApp shared)
{
    public const int MaxUploadBytes = 256 * 1024;
    public const int QuotaBytes = 600_000;

    private readonly VaultApp _app = shared.App;

    [Fact]
    public async Task Options_WithoutSigningIn_DescribesVersionExtensionsAndMaxSize()
    {
        using var anonymous = new HttpClient { BaseAddress = _app.BaseAddress };

        using var response = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Options, "api/uploads"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("1.0.0", TusTestClient.Header(response, "Tus-Resumable"));
        Assert.Equal("1.0.0", TusTestClient.Header(response, "Tus-Version"));
        Assert.Equal(
            ["checksum", "creation", "expiration", "termination"],
            TusTestClient.Header(response, "Tus-Extension").Split(',').Order());
        Assert.Equal(MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), TusTestClient.Header(response, "Tus-Max-Size"));
        Assert.Contains("sha256", TusTestClient.Header(response, "Tus-Checksum-Algorithm"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_InTwoPatches_StoresTheFileWithItsSha256AndHeadShowsTheOffsetBetween()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var bytes = FilesTestClient.RandomBytes(100_000);

        using var created = await alice.Api.CreateRawAsync(bytes.Length, "report.pdf", "application/pdf");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("1.0.0", TusTestClient.Header(created, "Tus-Resumable"));
        Assert.True(DateTimeOffset.Parse(TusTestClient.Header(created, "Upload-Expires"), System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddHours(23));
        var path = created.Headers.Location!.OriginalString;
        Assert.Matches("^/api/uploads/[0-9a-f]{32}$", path);

        using (var first = await alice.Api.PatchAsync(path, 0, bytes[..40_000]))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
            Assert.Equal("40000", TusTestClient.Header(first, "Upload-Offset"));
            Assert.False(TusTestClient.HasHeader(first, "Vault-File-Id"));
        }

        using (var head = await alice.Api.HeadAsync(path))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal("40000", TusTestClient.Header(head, "Upload-Offset"));
            Assert.Equal("100000", TusTestClient.Header(head, "Upload-Length"));
            Assert.Equal("no-store", TusTestClient.Header(head, "Cache-Control"));
            Assert.Equal("1.0.0", TusTestClient.Header(head, "Tus-Resumable"));
        }

        Assert.Equal(0, (await alice.ListAsync()).Total);

        using var last = await alice.Api.PatchAsync(path, 40_000, bytes[40_000..]);

        Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
        Assert.Equal("100000", TusTestClient.Header(last, "Upload-Offset"));
        var fileId = TusTestClient.Header(last, "Vault-File-Id");
        var file = Assert.Single((await alice.ListAsync()).Items);
        Assert.Equal((fileId, "report.pdf", 100_000L, "application/pdf", FilesTestClient.Sha256(bytes)), (file.Id.ToString(), file.Name, file.Size, file.ContentType, file.Sha256));
        Assert.Equal(bytes, await alice.Api.GetByteArrayAsync($"api/files/{file.Id}/content"));
        // A finished upload stays at its end (see the next test).
        Assert.Equal(100_000, await alice.Api.OffsetAsync(path));
    }

    [Fact]
    public async Task CompletedUpload_TellsAClientThatMissedTheLastAnswerWhereItsFileWent_AndIsNeverStoredTwice()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        using var mallory = await FilesTestClient.CreateAsync(_app);
        var bytes = FilesTestClient.RandomBytes(50_000);
        var path = await alice.Api.CreateUploadAsync(bytes.Length, "late.bin");
        string fileId;
        using (var last = await alice.Api.PatchAsync(path, 0, bytes))
        {
            fileId = TusTestClient.Header(last, "Vault-File-Id");
        }

        // The client never saw that answer (its connection broke): HEAD says the upload is complete, and where the file is.
        using (var head = await alice.Api.HeadAsync(path))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(("50000", "50000", fileId), (TusTestClient.Header(head, "Upload-Offset"), TusTestClient.Header(head, "Upload-Length"), TusTestClient.Header(head, "Vault-File-Id")));
        }

        // Resending from where it thought it was: 409 with the end, nothing appended.
        using (var resent = await alice.Api.PatchAsync(path, 20_000, bytes[20_000..]))
        {
            Assert.Equal(HttpStatusCode.Conflict, resent.StatusCode);
            Assert.Equal("50000", TusTestClient.Header(resent, "Upload-Offset"));
        }

        // An empty PATCH at the end gets the completing answer again.
        using (var atEnd = await alice.Api.PatchAsync(path, 50_000, []))
        {
            Assert.Equal(HttpStatusCode.NoContent, atEnd.StatusCode);
            Assert.Equal(fileId, TusTestClient.Header(atEnd, "Vault-File-Id"));
        }

        Assert.Null(await mallory.Api.OffsetAsync(path));
        var file = Assert.Single((await alice.ListAsync()).Items);
        Assert.Equal(fileId, file.Id.ToString());

        // Terminating a completed upload forgets the upload, never the file.
        using (var terminated = await alice.Api.TerminateAsync(path))
        {
            Assert.Equal(HttpStatusCode.NoContent, terminated.StatusCode);
        }

        Assert.Null(await alice.Api.OffsetAsync(path));
        Assert.Equal(bytes, await alice.Api.GetByteArrayAsync($"api/files/{fileId}/content"));
    }

    [Fact]
    public async Task CompletedUpload_WhoseFileWasDeletedSince_IsNotFound_SoAClientStartsAfresh()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var path = await alice.Api.CreateUploadAsync(1_000, "gone.bin");
        string fileId;
        using (var last = await alice.Api.PatchAsync(path, 0, FilesTestClient.RandomBytes(1_000)))
        {
            fileId = TusTestClient.Header(last, "Vault-File-Id");
        }

        Assert.Equal(1_000, await alice.Api.OffsetAsync(path));
        using (var deleted = await alice.Api.DeleteAsync($"api/files/{fileId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.Null(await alice.Api.OffsetAsync(path));
    }

    [Fact]
    public async Task Patch_AtAWrongOffset_Is409WithTheRealOffsetAndChangesNothing()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var path = await alice.Api.CreateUploadAsync(1000);
        using (var first = await alice.Api.PatchAsync(path, 0, new byte[300]))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        }

        using var stale = await alice.Api.PatchAsync(path, 0, new byte[300]);
        using var ahead = await alice.Api.PatchAsync(path, 500, new byte[300]);

        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict), (stale.StatusCode, ahead.StatusCode));
        Assert.Equal("300", TusTestClient.Header(stale, "Upload-Offset"));
        Assert.Equal(300, await alice.Api.OffsetAsync(path));
    }

    [Fact]
    public async Task Patch_WithAnotherContentType_Is415AndKeepsNothing()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var path = await alice.Api.CreateUploadAsync(1000);

        using var response = await alice.Api.PatchAsync(path, 0, new ByteArrayContent(new byte[100]), contentType: "application/octet-stream");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(0, await alice.Api.OffsetAsync(path));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0.2.2")]
    public async Task Request_WithoutTheSupportedTusResumable_Is412AndNamesTheVersion(string? version)
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var before = CountRecords();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/uploads");
        request.Headers.Add("Upload-Length", "10");
        request.Headers.Add("Upload-Metadata", "filename YS5iaW4=");
        if (version is not null)
        {
            request.Headers.Add("Tus-Resumable", version);
        }

        using var response = await alice.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal("1.0.0", TusTestClient.Header(response, "Tus-Version"));
        Assert.Equal(before, CountRecords());
    }

    [Fact]
    public async Task Create_OverTheSizeLimit_Is413AndOverTheQuotaIs507()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        using (var exact = await alice.Api.CreateRawAsync(MaxUploadBytes))
        {
            Assert.Equal(HttpStatusCode.Created, exact.StatusCode);
        }

        using var tooLarge = await alice.Api.CreateRawAsync(MaxUploadBytes + 1);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Null(tooLarge.Headers.Location);

        // The unfinished upload above holds its length against the quota; one stored file fills more, then ask for more than what is left.
        await alice.UploadAsync("a.bin", new byte[MaxUploadBytes]);
        using var overQuota = await alice.Api.CreateRawAsync(QuotaBytes - (2 * MaxUploadBytes) + 1);
        Assert.Equal(HttpStatusCode.InsufficientStorage, overQuota.StatusCode);
        using var fits = await alice.Api.CreateRawAsync(QuotaBytes - (2 * MaxUploadBytes));
        Assert.Equal(HttpStatusCode.Created, fits.StatusCode);
    }

    [Fact]
    public async Task Create_WithoutAFileName_Is400()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);

        using var response = await alice.Api.CreateRawAsync(10, name: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Patch_PastUploadLength_Is413AndKeepsNothingOfIt(bool lengthKnown)
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var path = await alice.Api.CreateUploadAsync(50_000);
        using (var first = await alice.Api.PatchAsync(path, 0, new byte[10_000]))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        }

        HttpContent body = lengthKnown
            ? new ByteArrayContent(new byte[45_000])
            : new StreamContent(new GeneratedStream(45_000));
        using var response = await alice.Api.PatchAsync(path, 10_000, body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(10_000, await alice.Api.OffsetAsync(path));
        Assert.Equal(10_000, await StagedBytes.LengthAsync(_app, UploadId(path)));
        Assert.Equal(0, (await alice.ListAsync()).Total);
    }

    [Fact]
    public async Task Patch_WithAChecksumMismatch_Is460AndKeepsNothing_WithAMatchingOneIsStored()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var bytes = FilesTestClient.RandomBytes(20_000);
        var path = await alice.Api.CreateUploadAsync(bytes.Length);
        var wrong = "sha256 " + Convert.ToBase64String(SHA256.HashData(new byte[10]));

        using (var mismatch = await alice.Api.PatchAsync(path, 0, bytes, wrong))
        {
            Assert.Equal(460, (int)mismatch.StatusCode);
        }

        Assert.Equal(0, await alice.Api.OffsetAsync(path));
        using (var unknown = await alice.Api.PatchAsync(path, 0, bytes, "md5 AAAA"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        }

        using var matching = await alice.Api.PatchAsync(path, 0, bytes, "sha1 " + Convert.ToBase64String(SHA1.HashData(bytes)));

        Assert.Equal(HttpStatusCode.NoContent, matching.StatusCode);
        Assert.Equal(FilesTestClient.Sha256(bytes), Assert.Single((await alice.ListAsync()).Items).Sha256);
    }

    [Fact]
    public async Task Terminate_RemovesTheUploadAndItsStagedBytes()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var path = await alice.Api.CreateUploadAsync(1000);
        using (var patch = await alice.Api.PatchAsync(path, 0, new byte[400]))
        {
            Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        }

        Assert.Equal(400, await StagedBytes.LengthAsync(_app, UploadId(path)));

        using var terminated = await alice.Api.TerminateAsync(path);

        Assert.Equal(HttpStatusCode.NoContent, terminated.StatusCode);
        Assert.Null(await alice.Api.OffsetAsync(path));
        Assert.Null(await StagedBytes.LengthAsync(_app, UploadId(path)));
        using var patchAfter = await alice.Api.PatchAsync(path, 400, new byte[600]);
        Assert.Equal(HttpStatusCode.NotFound, patchAfter.StatusCode);
        using var again = await alice.Api.TerminateAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task AnotherUser_GetsNotFoundForHeadPatchAndDelete_AndTheUploadIsUntouched()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        using var mallory = await FilesTestClient.CreateAsync(_app);
        var path = await alice.Api.CreateUploadAsync(1000);
        using (var patch = await alice.Api.PatchAsync(path, 0, new byte[400]))
        {
            Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        }

        using var head = await mallory.Api.HeadAsync(path);
        using var append = await mallory.Api.PatchAsync(path, 400, new byte[600]);
        using var delete = await mallory.Api.TerminateAsync(path);
        using var missing = await mallory.Api.HeadAsync("api/uploads/" + new string('0', 32));

        Assert.Equal(
            [HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
            new[] { head.StatusCode, append.StatusCode, delete.StatusCode });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.False(TusTestClient.HasHeader(head, "Upload-Offset"));
        Assert.Equal(400, await alice.Api.OffsetAsync(path));
        Assert.Equal(0, (await mallory.ListAsync()).Total);
    }

    [Fact]
    public async Task Request_WithoutSigningIn_Is401_StillSpeakingTus()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var path = await alice.Api.CreateUploadAsync(1000);
        using var anonymous = new HttpClient { BaseAddress = _app.BaseAddress };

        using var create = await anonymous.CreateRawAsync(10);
        using var head = await anonymous.HeadAsync(path);

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (create.StatusCode, head.StatusCode));
        // Answered by authentication, before any endpoint runs.
        Assert.Equal(("1.0.0", "1.0.0"), (TusTestClient.Header(create, "Tus-Resumable"), TusTestClient.Header(head, "Tus-Resumable")));
    }

    [Fact]
    public async Task TwoUploadsOfOneUser_InParallel_EachStoresItsOwnBytes()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var one = FilesTestClient.RandomBytes(120_000);
        var two = FilesTestClient.RandomBytes(90_000);
        var pathOne = await alice.Api.CreateUploadAsync(one.Length, "one.bin");
        var pathTwo = await alice.Api.CreateUploadAsync(two.Length, "two.bin");

        async Task SendAsync(string path, byte[] bytes)
        {
            for (var offset = 0; offset < bytes.Length; offset += 16_384)
            {
                using var response = await alice.Api.PatchAsync(path, offset, bytes[offset..Math.Min(bytes.Length, offset + 16_384)]);
                Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            }
        }

        await Task.WhenAll(SendAsync(pathOne, one), SendAsync(pathTwo, two));

        var files = (await alice.ListAsync("?sort=name")).Items;
        Assert.Equal(
            [("one.bin", FilesTestClient.Sha256(one)), ("two.bin", FilesTestClient.Sha256(two))],
            files.Select(f => (f.Name, f.Sha256)));
    }

    [Fact]
    public async Task Cookie_WithTheAntiforgeryHeader_Uploads_WithoutItIsRefused()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var token = await AntiforgeryTokenAsync(alice.Browser);
        var bytes = FilesTestClient.RandomBytes(5000);

        using (var forged = await alice.Browser.CreateRawAsync(bytes.Length, "forged.bin"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
            Assert.Null(forged.Headers.Location);
        }

        using var created = await alice.Browser.CreateRawAsync(bytes.Length, "cookie.bin", antiforgery: token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var path = created.Headers.Location!.OriginalString;
        using (var forgedPatch = await alice.Browser.PatchAsync(path, 0, new ByteArrayContent(bytes)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forgedPatch.StatusCode);
        }

        using (var forgedDelete = await alice.Browser.TerminateAsync(path))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forgedDelete.StatusCode);
        }

        Assert.Equal(0, await alice.Browser.OffsetAsync(path));
        using var patch = await alice.Browser.PatchAsync(path, 0, new ByteArrayContent(bytes), antiforgery: token);

        Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        var file = Assert.Single((await alice.ListAsync()).Items);
        Assert.Equal(("cookie.bin", FilesTestClient.Sha256(bytes)), (file.Name, file.Sha256));
    }

    /// <summary>The token the dashboard hands its script: the one in the page's sign-out form works the same.</summary>
    internal static async Task<string> AntiforgeryTokenAsync(HttpClient browser)
    {
        var page = await browser.GetStringAsync("");
        var match = AntiforgeryInput().Match(page);
        Assert.True(match.Success, "No antiforgery token on the dashboard.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    private int CountRecords() =>
        Directory.Exists(Path.Combine(_app.DataDirectory, "uploads"))
            ? Directory.GetFiles(Path.Combine(_app.DataDirectory, "uploads"), "*.json").Length
            : 0;

    private static string UploadId(string uploadPath) => uploadPath.Split('/')[^1];

    [GeneratedRegex("""<input[^>]*name="__RequestVerificationToken"[^>]*value="([^"]+)""")]
    private static partial Regex AntiforgeryInput();

    public abstract class LimitedApp(DatabaseProvider provider) : VaultAppFixture(provider, new Dictionary<string, string?>
    {
        ["Vault:MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Vault:DefaultQuotaBytes"] = QuotaBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    })
    {
        public sealed class Sqlite() : LimitedApp(DatabaseProvider.Sqlite);

        public sealed class PostgreSql() : LimitedApp(DatabaseProvider.PostgreSql);
    }

    /// <summary>The same limits on PostgreSQL, with the bytes in a bucket of its own on the test S3 server.</summary>
    public sealed class S3LimitedApp(S3Server s3) : LimitedApp(DatabaseProvider.PostgreSql)
    {
        protected override VaultApp Start()
        {
            var settings = s3.NewBucketSettingsAsync(nameof(TusProtocolTests)).GetAwaiter().GetResult();
            foreach (var (key, value) in Settings!)
            {
                settings[key] = value;
            }

            return Start(settings);
        }
    }

    public sealed class OnSqlite(LimitedApp.Sqlite shared) : TusProtocolTests(shared), IClassFixture<LimitedApp.Sqlite>;

    public sealed class OnPostgreSql(LimitedApp.PostgreSql shared) : TusProtocolTests(shared), IClassFixture<LimitedApp.PostgreSql>;
}

/// <summary><see cref="TusProtocolTests"/> as several instances run it: PostgreSQL, and the bytes in a bucket (<c>Vault:Storage:Provider=S3</c>): a multipart upload and a tail object per upload.</summary>
public sealed class TusProtocolOnS3Tests(TusProtocolTests.S3LimitedApp shared) : TusProtocolTests(shared), IClassFixture<TusProtocolTests.S3LimitedApp>;
