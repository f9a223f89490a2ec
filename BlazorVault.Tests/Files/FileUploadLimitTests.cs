using System.Net;
using System.Text.Json;
using BlazorVault.Data;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.Files;

/// <summary>
/// Uploads that must be refused or that break off: the answer is a clear status, and nothing of them
/// stays behind, neither a row nor a file in the data directory's <c>tmp/</c> or <c>blobs/</c>.
/// </summary>
public abstract class FileUploadLimitTests(FileUploadLimitTests.LimitedVaultApp shared)
{
    public const int MaxUploadBytes = 64 * 1024;
    public const int QuotaBytes = 150_000;

    private readonly VaultApp _app = shared.App;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Upload_OfExactlyTheLimit_SucceedsAndOneByteMoreIs413(bool lengthKnown)
    {
        using var alice = await FilesTestClient.CreateAsync(_app);

        using var exact = await PostAsync(alice, "exact.bin", MaxUploadBytes, lengthKnown);
        Assert.Equal(HttpStatusCode.Created, exact.StatusCode);
        var before = Snapshot();

        using var over = await PostAsync(alice, "over.bin", MaxUploadBytes + 1, lengthKnown);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);
        await AssertProblemAsync(over, 413);
        Assert.Equal(1, (await alice.ListAsync()).Total);
        await AssertNothingLeftBehindAsync(before);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Upload_BeyondTheQuota_Is507AndStoresNothing(bool lengthKnown)
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        using (var first = await PostAsync(alice, "one.bin", MaxUploadBytes, lengthKnown))
        using (var second = await PostAsync(alice, "two.bin", MaxUploadBytes, lengthKnown))
        {
            Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, second.StatusCode));
        }

        var before = Snapshot();

        using var third = await PostAsync(alice, "three.bin", MaxUploadBytes, lengthKnown);

        Assert.Equal(HttpStatusCode.InsufficientStorage, third.StatusCode);
        await AssertProblemAsync(third, 507);
        Assert.Equal(2, (await alice.ListAsync()).Total);
        await AssertNothingLeftBehindAsync(before);

        // What is left still fits, to the byte.
        using var rest = await PostAsync(alice, "rest.bin", QuotaBytes - (2 * MaxUploadBytes), lengthKnown);
        Assert.Equal(HttpStatusCode.Created, rest.StatusCode);
    }

    [Fact]
    public async Task Upload_WhoseContentLengthIsOverTheLimit_IsRefusedBeforeTheBodyIsSent()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var bodyRead = false;
        using var content = new StreamContent(new GeneratedStream(10L * 1024 * 1024 * 1024, _ =>
        {
            bodyRead = true;
            return Task.CompletedTask;
        }));
        content.Headers.ContentLength = 10L * 1024 * 1024 * 1024;
        // With Expect: 100-continue the client holds the body back until the server asks for it.
        using var request = new HttpRequestMessage(HttpMethod.Post, FilesTestClient.UploadPath("huge.bin")) { Content = content };
        request.Headers.ExpectContinue = true;

        using var response = await alice.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertProblemAsync(response, 413);
        Assert.False(bodyRead, "The server asked for the body of an upload it was always going to refuse.");
    }

    [Fact]
    public async Task Upload_WhoseContentLengthIsOverTheRemainingQuota_Is507BeforeTheBodyIsSent()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        using (var first = await PostAsync(alice, "one.bin", MaxUploadBytes, lengthKnown: true))
        using (var second = await PostAsync(alice, "two.bin", MaxUploadBytes, lengthKnown: true))
        {
            Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, second.StatusCode));
        }

        var bodyRead = false;
        using var content = new StreamContent(new GeneratedStream(MaxUploadBytes, _ =>
        {
            bodyRead = true;
            return Task.CompletedTask;
        }));
        content.Headers.ContentLength = MaxUploadBytes;
        using var request = new HttpRequestMessage(HttpMethod.Post, FilesTestClient.UploadPath("three.bin")) { Content = content };
        request.Headers.ExpectContinue = true;

        using var response = await alice.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.InsufficientStorage, response.StatusCode);
        await AssertProblemAsync(response, 507);
        Assert.False(bodyRead, "The server asked for the body of an upload it was always going to refuse.");
    }

    [Fact]
    public async Task Upload_OverTheLimitAsMultipart_Is413AndStoresNothing()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var before = Snapshot();
        using var form = new MultipartFormDataContent { { new ByteArrayContent(FilesTestClient.RandomBytes(MaxUploadBytes + 1)), "file", "big.bin" } };

        using var response = await alice.Api.PostAsync("api/files", form);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertProblemAsync(response, 413);
        Assert.Equal(0, (await alice.ListAsync()).Total);
        await AssertNothingLeftBehindAsync(before);
    }

    [Fact]
    public async Task Upload_AsMultipartWithAHugeFormField_Is413AndStoresNothing()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var before = Snapshot();
        using var form = new MultipartFormDataContent
        {
            { new StreamContent(new GeneratedStream(3L * 1024 * 1024)), "padding" },
            { new ByteArrayContent([1, 2, 3]), "file", "small.bin" },
        };

        try
        {
            using var response = await alice.Api.PostAsync("api/files", form);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            await AssertProblemAsync(response, 413);
        }
        catch (HttpRequestException)
        {
            // The server answers 413 while the client is still sending; on a busy machine the client
            // can see the closed connection before it reads the answer. Either way nothing may be stored.
        }

        Assert.Equal(0, (await alice.ListAsync()).Total);
        await AssertNothingLeftBehindAsync(before);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Upload_WhenTheClientAbortsHalfway_LeavesNoRowAndNoTempFile(bool cancel, bool multipart)
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var before = Snapshot();
        using var cancellation = new CancellationTokenSource();
        var sawTempFile = false;
        var body = new GeneratedStream(MaxUploadBytes - 1, async position =>
        {
            if (position < MaxUploadBytes / 2)
            {
                return;
            }

            // Stop only once the server is demonstrably in the middle of writing the upload.
            sawTempFile = await EventuallyAsync(() => TempFiles().Count > 0);
            if (cancel)
            {
                await cancellation.CancelAsync();
                cancellation.Token.ThrowIfCancellationRequested();
            }

            throw new IOException("The client went away.");
        });
        HttpContent content = new StreamContent(body);
        if (multipart)
        {
            content = new MultipartFormDataContent { { content, "file", "broken.bin" } };
        }

        await Assert.ThrowsAnyAsync<Exception>(() => alice.Api.PostAsync(FilesTestClient.UploadPath(multipart ? null : "broken.bin"), content, cancellation.Token));

        Assert.True(sawTempFile, "The upload never reached the blob store, so the test proves nothing.");
        await AssertNothingLeftBehindAsync(before);
        Assert.Equal(0, (await alice.ListAsync()).Total);
        content.Dispose();
    }

    private static Task<HttpResponseMessage> PostAsync(FilesTestClient user, string name, int length, bool lengthKnown) =>
        lengthKnown
            ? user.UploadRawAsync(name, FilesTestClient.RandomBytes(length))
            : user.Api.PostAsync(FilesTestClient.UploadPath(name), new StreamContent(new RandomStream(length)));

    private static async Task AssertProblemAsync(HttpResponseMessage response, int status)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("title").GetString()));
    }

    private (string[] Blobs, int Temps) Snapshot() => (Blobs(), TempFiles().Count);

    private async Task AssertNothingLeftBehindAsync((string[] Blobs, int Temps) before)
    {
        // A refused or broken upload is cleaned up by the request that failed; allow it a moment to finish.
        Assert.True(await EventuallyAsync(() => TempFiles().Count == 0), $"Left in tmp/: {string.Join(", ", TempFiles())}");
        Assert.Equal(0, before.Temps);
        Assert.Equal(before.Blobs, Blobs());
    }

    private string[] Blobs() =>
        [.. Directory.EnumerateFiles(Path.Combine(_app.DataDirectory, "blobs"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    // Scratch files of uploads in flight, in this instance's folder below tmp/ (resumable uploads live apart).
    private List<string> TempFiles() =>
    [
        .. Directory.EnumerateFiles(Path.Combine(_app.DataDirectory, "tmp"), "*", SearchOption.AllDirectories)
            .Where(path => !path.Contains(Path.DirectorySeparatorChar + "resumable" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && Path.GetFileName(path) != ".alive"),
    ];

    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return condition();
    }

    public abstract class LimitedVaultApp(DatabaseProvider provider) : VaultAppFixture(provider, new Dictionary<string, string?>
    {
        ["Vault:MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Vault:DefaultQuotaBytes"] = QuotaBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    })
    {
        public sealed class Sqlite() : LimitedVaultApp(DatabaseProvider.Sqlite);

        public sealed class PostgreSql() : LimitedVaultApp(DatabaseProvider.PostgreSql);
    }

    public sealed class OnSqlite(LimitedVaultApp.Sqlite shared) : FileUploadLimitTests(shared), IClassFixture<LimitedVaultApp.Sqlite>;

    public sealed class OnPostgreSql(LimitedVaultApp.PostgreSql shared) : FileUploadLimitTests(shared), IClassFixture<LimitedVaultApp.PostgreSql>;

    /// <summary>Random bytes of a length HttpClient cannot see, so they go chunked, as from a pipe.</summary>
    private sealed class RandomStream(int length) : Stream
    {
        private readonly MemoryStream _inner = new(FilesTestClient.RandomBytes(length));

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
