using System.Reflection;
using BlazorVault.Files;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace BlazorVault.Sharing;

/// <summary>
/// A share link's download that enters the link's access log: "started" before the first byte, then
/// "completed" or "interrupted" with the bytes the app sent, counted as they pass to the server. Logging
/// only buffers (<see cref="ShareAccessLog"/>), so the download never waits for it.
/// </summary>
public sealed class LoggedDownload(FileDownloadResult inner, RedeemedDownload download, ShareClient client, ShareAccessLog log) : IResult, IEndpointMetadataProvider
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (!download.Plan.SendsBytes || download.Plan.IsProbe)
        {
            // HEAD, 304, 412, 416 and the first-byte probe carry no file: no download to log.
            await inner.ExecuteAsync(httpContext);
            return;
        }

        log.Record(download.LinkId, ShareAccessKind.DownloadStarted, client);
        var body = httpContext.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var counting = new CountingStream(body.Stream);
        var wrapped = new StreamResponseBodyFeature(counting, body);
        httpContext.Features.Set<IHttpResponseBodyFeature>(wrapped);
        var completed = false;
        try
        {
            await inner.ExecuteAsync(httpContext);
            // Whatever a writer still buffers goes out before the server's own body feature is back in place.
            await wrapped.CompleteAsync();
            completed = !httpContext.RequestAborted.IsCancellationRequested;
        }
        finally
        {
            httpContext.Features.Set(body);
            var redirected = httpContext.Response.StatusCode is StatusCodes.Status302Found or StatusCodes.Status307TemporaryRedirect;
            // A bucket's presigned redirect sends the bytes itself: the app only knows it started.
            if (!redirected)
            {
                log.Record(download.LinkId, completed ? ShareAccessKind.DownloadCompleted : ShareAccessKind.DownloadInterrupted, client, counting.Written);
            }
        }
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => FileDownloadResult.PopulateMetadata(method, builder);

    /// <summary>Passes writes through and counts their bytes.</summary>
    internal sealed class CountingStream(Stream inner) : Stream
    {
        private long _written;

        public long Written => Interlocked.Read(ref _written);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            Interlocked.Add(ref _written, count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            Interlocked.Add(ref _written, buffer.Length);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
