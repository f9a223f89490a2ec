namespace BlazorVault.Components;

/// <summary>
/// Once the app is stopping, a page's requests to connect a circuit (SignalR's negotiation and transport under
/// <c>/_blazor</c>) are answered 503 at once. Otherwise a page reconnecting in the moment between the server's closing
/// of the circuits and its closing of connections negotiates, opens a WebSocket that the stopping server then drops,
/// and Blazor's script takes that failed start for an error of the page ("Something went wrong") instead of trying
/// again, as it does when the negotiation itself fails (seen in the restart-upload browser test's page log).
/// </summary>
public static class CircuitConnections
{
    public static IApplicationBuilder UseNoNewCircuitsWhileStopping(this IApplicationBuilder app, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use((context, next) =>
        {
            if (!stopping.IsCancellationRequested || !context.Request.Path.StartsWithSegments("/_blazor"))
            {
                return next(context);
            }

            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            context.Response.Headers.Connection = "close";
            return Task.CompletedTask;
        });
    }
}
