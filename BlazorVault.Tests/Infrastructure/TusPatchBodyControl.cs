using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace BlazorVault.Tests.Infrastructure;

/// <summary>
/// A test hook on the server side of the network: the bodies of tus PATCH requests
/// (<c>PATCH /api/uploads/{id}</c>) reach the app only as fast as <see cref="BytesPerSecond"/> allows,
/// as over a slow uplink, and <see cref="DropConnectionAfter"/> cuts one request's connection midway
/// through its body. Every other request passes untouched. Settings can change while a request runs;
/// the next read of its body follows them.
/// </summary>
public sealed class TusPatchBodyControl
{
    private long _bytesPerSecond;
    private long _dropAfter = -1;
    private bool _dropped;

    /// <summary>The most bytes per second each PATCH body delivers to the app; null (the default) for no limit.</summary>
    public long? BytesPerSecond
    {
        get => Interlocked.Read(ref _bytesPerSecond) is > 0 and var rate ? rate : null;
        set => Interlocked.Exchange(ref _bytesPerSecond, value ?? 0);
    }

    /// <summary>
    /// Arms a one-time drop: the next PATCH body to reach <paramref name="bytes"/> delivers exactly that
    /// many bytes, then its connection is aborted (<see cref="HttpContext.Abort"/>) as a network drop would.
    /// </summary>
    public void DropConnectionAfter(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        Interlocked.Exchange(ref _dropAfter, bytes);
    }

    /// <summary>True once an armed drop has happened.</summary>
    public bool Dropped => Volatile.Read(ref _dropped);

    /// <summary>Registers this control and the middleware that applies it.</summary>
    public void AddTo(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(this);
        services.AddSingleton<IStartupFilter>(new StartupFilter(this));
    }

    private long? DropAt => Interlocked.Read(ref _dropAfter) is >= 0 and var at ? at : null;

    private bool TryTakeDrop(long at)
    {
        if (Interlocked.CompareExchange(ref _dropAfter, -1, at) != at)
        {
            return false;
        }

        Volatile.Write(ref _dropped, true);
        return true;
    }

    /// <summary>Wraps the request bodies of tus PATCH requests at the front of the app's pipeline.</summary>
    private sealed class StartupFilter(TusPatchBodyControl control) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (HttpMethods.IsPatch(context.Request.Method)
                    && context.Request.Path.StartsWithSegments("/api/uploads", out var rest)
                    && rest.Value is { Length: > 1 })
                {
                    context.Request.Body = new ControlledBody(context.Request.Body, context, control);
                }

                await nextMiddleware(context);
            });
            next(app);
        };
    }

    /// <summary>The request body as the control lets it through.</summary>
    private sealed class ControlledBody(Stream inner, HttpContext context, TusPatchBodyControl control) : ForwardOnlyStream
    {
        // Throttled reads deliver a twentieth of a second's worth at a time, so the pace stays even.
        private const int SlicesPerSecond = 20;

        private long _position;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var count = buffer.Length;
            if (count > 0 && control.DropAt is { } dropAt && dropAt >= _position)
            {
                if (dropAt > _position)
                {
                    // Up to the drop exactly, so the test knows how many bytes arrived.
                    count = (int)Math.Min(count, dropAt - _position);
                }
                else if (control.TryTakeDrop(dropAt))
                {
                    context.Abort();
                    throw new IOException($"Test hook: the connection dropped after {dropAt} bytes of the body.");
                }
            }

            var rate = control.BytesPerSecond;
            if (rate is { } limit)
            {
                count = (int)Math.Min(count, Math.Max(1, limit / SlicesPerSecond));
            }

            var read = await inner.ReadAsync(buffer[..count], cancellationToken);
            _position += read;
            if (rate is { } pace && read > 0)
            {
                // A dropped connection ends the wait, as it would end a real slow transfer.
                await Task.Delay(TimeSpan.FromSeconds((double)read / pace), context.RequestAborted);
            }

            return read;
        }
    }
}
