namespace BlazorVault;

/// <summary>The headers every answer carries, on top of what an endpoint sets for itself.</summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Everything comes from the app itself: no inline script (Blazor's own scripts and the app's modules
    /// are files under wwwroot or _framework, and App.razor has no import map, which would be inline),
    /// the circuit's websocket is same-origin, bootstrap's icons are data: images, and no page may be framed.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public const string PermissionsPolicy =
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), accelerometer=(), gyroscope=(), magnetometer=()";

    /// <summary>Adds the headers when the answer starts, so status pages, error pages and endpoints all get them.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                // A download sets a stricter policy of its own.
                if (!headers.ContainsKey("Content-Security-Policy"))
                {
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                }

                // A share link's token is its URL: it must never leave in a Referer header, not even to this site.
                // Also on the status page shown in place of a share link's 404 (re-executed under another path).
                var path = context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>()?.OriginalPath ?? context.Request.Path.Value;
                headers["Referrer-Policy"] = new PathString(path).StartsWithSegments("/s") ? "no-referrer" : "same-origin";
                headers["Permissions-Policy"] = PermissionsPolicy;
                return Task.CompletedTask;
            });
            return next(context);
        });
}
