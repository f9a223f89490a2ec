namespace BlazorVault;

/// <summary>
/// What every error looks like: a browser's page load (GET or HEAD outside <c>/api</c>) gets a page,
/// an API client always gets problem+json, and no other request is ever re-executed against a page
/// (a failed tus PATCH or form POST must not turn into a 405 for "PATCH /error").
/// </summary>
public static class HttpErrors
{
    public static WebApplication UseVaultErrorAnswers(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Environment.IsDevelopment())
        {
            app.UseWhen(IsPageLoad, branch => branch.UseExceptionHandler("/error", createScopeForErrors: true));
            app.UseWhen(context => !IsPageLoad(context), branch => branch.UseExceptionHandler(new ExceptionHandlerOptions
            {
                ExceptionHandler = context => WriteProblemAsync(context, StatusCodes.Status500InternalServerError),
            }));
            app.UseHsts();
        }

        // Friendly pages for browsers' page loads only, and problem+json for API clients' bare status codes.
        app.UseWhen(IsPageLoad, branch => branch.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true));
        app.UseWhen(IsApi, branch => branch.UseStatusCodePages(context => WriteProblemAsync(context.HttpContext, context.HttpContext.Response.StatusCode)));
        return app;
    }

    /// <summary>
    /// Routing that answers HEAD wherever GET is answered (RFC 9110 9.3.2), so that a HEAD of anything that
    /// is 404 for a GET is 404 too: a HEAD is routed a second time as a GET, and answered by that GET's
    /// endpoint (Kestrel still sends no body, as the request line said HEAD), unless that endpoint takes
    /// HEAD itself (downloads, static files: they see HEAD) or there is none (tus HEAD: routed as HEAD).
    /// </summary>
    public static WebApplication UseRoutingWithHead(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRouting();
        app.Use((context, next) =>
        {
            if (HttpMethods.IsHead(context.Request.Method))
            {
                context.Items[HeadRouting] = new HeadRoute(context.GetEndpoint(), new RouteValueDictionary(context.Request.RouteValues));
                context.Request.Method = HttpMethods.Get;
                context.SetEndpoint(null);
                context.Request.RouteValues.Clear();
            }

            return next(context);
        });
        // The second pass only routes what the first left without an endpoint.
        app.UseRouting();
        app.Use((context, next) =>
        {
            if (context.Items.Remove(HeadRouting, out var routed) && routed is HeadRoute head)
            {
                var get = context.GetEndpoint();
                if (get is null)
                {
                    context.Request.Method = HttpMethods.Head;
                    context.SetEndpoint(head.Endpoint);
                    context.Request.RouteValues = head.Values;
                }
                else if (get.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is not { } methods || methods.Contains(HttpMethods.Head))
                {
                    context.Request.Method = HttpMethods.Head;
                }
            }

            return next(context);
        });
        return app;
    }

    private static readonly object HeadRouting = new();

    private sealed record HeadRoute(Endpoint? Endpoint, RouteValueDictionary Values);

    public static Task WriteProblemAsync(HttpContext context, int statusCode, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return TypedResults.Problem(statusCode: statusCode, detail: detail).ExecuteAsync(context);
    }

    public static bool IsApi(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Request.Path.StartsWithSegments("/api");
    }

    private static bool IsPageLoad(HttpContext context) =>
        (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)) && !IsApi(context);
}
