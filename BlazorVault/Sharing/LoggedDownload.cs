using System.Reflection;
using BlazorVault.Files;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace BlazorVault.Sharing;

/// <summary>
/// A share link's download that enters the link's access log: "started" before the first byte, then
/// "completed" or "interrupted" with the bytes the app sent, counted as they pass to the server. A small
/// file (up to <see cref="CountingBodyFeature.SmallFile"/>) goes out in one send, so its start and its end
/// are one moment and only the end is logged: one entry says it all, and the log's write per download halves.
/// Logging only buffers (<see cref="ShareAccessLog"/>), so the download never waits for it.
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

        var plan = download.Plan;
        if ((plan.Answer == DownloadAnswer.Partial ? plan.To - plan.From + 1 : download.Content.File.Size) > CountingBodyFeature.SmallFile)
        {
            log.Record(download.LinkId, ShareAccessKind.DownloadStarted, client);
        }

        var body = httpContext.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var counting = new CountingStream(body.Stream);
        var wrapped = new CountingBodyFeature(counting, body);
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

    /// <summary>
    /// The response body through <see cref="CountingStream"/>, except a small file's send: the server sends that its
    /// own way, as for an owner's download, and it counts whole once sent (a few KiB go out in one write anyway).
    /// Copying it through a wrapped stream instead cost a small share download about a twentieth of its time.
    /// A large file still passes through the stream, so an interrupted download logs the bytes that went out.
    /// </summary>
    internal sealed class CountingBodyFeature(CountingStream counting, IHttpResponseBodyFeature prior) : StreamResponseBodyFeature(counting, prior)
    {
        /// <summary>Below this, a file is sent by the server and counted when the send is done.</summary>
        public const long SmallFile = 64 * 1024;

        public override async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken)
        {
            var length = count ?? new FileInfo(path).Length - offset;
            if (length > SmallFile)
            {
                await base.SendFileAsync(path, offset, count, cancellationToken);
                return;
            }

            if (counting.Written > 0)
            {
                // What was written through this feature goes out before the file (a file result writes nothing first).
                await counting.FlushAsync(cancellationToken);
            }

            await PriorFeature!.SendFileAsync(path, offset, count, cancellationToken);
            counting.Add(length);
        }
    }

    /// <summary>Passes writes through and counts their bytes.</summary>
    internal sealed class CountingStream(Stream inner) : Stream
    {
        private long _written;

        public long Written => Interlocked.Read(ref _written);

        /// <summary>Bytes that went out past this stream (see <see cref="CountingBodyFeature"/>).</summary>
        public void Add(long bytes) => Interlocked.Add(ref _written, bytes);

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
