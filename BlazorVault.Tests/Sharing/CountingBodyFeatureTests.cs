using System.IO.Pipelines;
using BlazorVault.Sharing;
using Microsoft.AspNetCore.Http.Features;

namespace BlazorVault.Tests.Sharing;

/// <summary>
/// A share download's bytes are counted for its access log: a small file sent by the server's own send (counted
/// once it is sent), a large one through the counting stream (so an interrupted one counts what went out).
/// </summary>
public sealed class CountingBodyFeatureTests : IDisposable
{
    private readonly string _path = Path.GetTempFileName();

    public void Dispose() => File.Delete(_path);

    [Theory]
    [InlineData(4096, 0, null, 4096, true)]
    [InlineData(4096, 100, 1000L, 1000, true)]
    [InlineData(LoggedDownload.CountingBodyFeature.SmallFile, 0, null, LoggedDownload.CountingBodyFeature.SmallFile, true)]
    [InlineData(LoggedDownload.CountingBodyFeature.SmallFile + 1, 0, null, LoggedDownload.CountingBodyFeature.SmallFile + 1, false)]
    [InlineData(300_000, 1, 200_000L, 200_000, false)]
    public async Task SentBytes_AreCounted_SmallFilesByTheServersOwnSend(int size, long offset, long? count, long counted, bool serverSends)
    {
        var content = new byte[size];
        Random.Shared.NextBytes(content);
        await File.WriteAllBytesAsync(_path, content, TestContext.Current.CancellationToken);
        var server = new ServerBody();
        var counting = new LoggedDownload.CountingStream(server.Stream);
        var feature = new LoggedDownload.CountingBodyFeature(counting, server);

        await feature.SendFileAsync(_path, offset, count, TestContext.Current.CancellationToken);
        await feature.CompleteAsync();

        Assert.Equal(counted, counting.Written);
        Assert.Equal(serverSends, server.SentFiles == 1);
        Assert.Equal(content.AsSpan((int)offset, (int)counted).ToArray(), server.Body.ToArray());
    }

    [Fact]
    public async Task AFailedSend_CountsNothing()
    {
        await File.WriteAllBytesAsync(_path, new byte[100], TestContext.Current.CancellationToken);
        var server = new ServerBody { Fails = true };
        var counting = new LoggedDownload.CountingStream(server.Stream);
        var feature = new LoggedDownload.CountingBodyFeature(counting, server);

        await Assert.ThrowsAsync<IOException>(() => feature.SendFileAsync(_path, 0, null, TestContext.Current.CancellationToken));
        Assert.Equal(0, counting.Written);
    }

    /// <summary>The server's body: what it was sent, and by which way.</summary>
    private sealed class ServerBody : IHttpResponseBodyFeature
    {
        public MemoryStream Body { get; } = new();

        public int SentFiles { get; private set; }

        public bool Fails { get; init; }

        public Stream Stream => Body;

        public PipeWriter Writer => throw new NotSupportedException();

        public void DisableBuffering()
        {
        }

        public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken)
        {
            SentFiles++;
            if (Fails)
            {
                throw new IOException("The client went away.");
            }

            await using var file = File.OpenRead(path);
            file.Position = offset;
            var length = count ?? file.Length - offset;
            var buffer = new byte[length];
            await file.ReadExactlyAsync(buffer, cancellationToken);
            await Body.WriteAsync(buffer, cancellationToken);
        }

        public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task CompleteAsync() => Task.CompletedTask;
    }
}
