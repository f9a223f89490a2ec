using BlazorVault.Components;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorVault.Tests.Components;

/// <summary>A stopping app refuses new circuit connections plainly, and nothing else.</summary>
public sealed class CircuitConnectionsTests
{
    [Theory]
    [InlineData(false, "/_blazor/negotiate", StatusCodes.Status200OK)]
    [InlineData(true, "/_blazor/negotiate", StatusCodes.Status503ServiceUnavailable)]
    [InlineData(true, "/_blazor", StatusCodes.Status503ServiceUnavailable)]
    [InlineData(true, "/api/files", StatusCodes.Status200OK)]
    [InlineData(true, "/_blazorish", StatusCodes.Status200OK)]
    public async Task CircuitRequests_WhileStopping_Are503_OthersGoOn(bool stopping, string path, int expected)
    {
        using var stop = new CancellationTokenSource();
        if (stopping)
        {
            await stop.CancelAsync();
        }

        var app = new ApplicationBuilder(new ServiceCollection().BuildServiceProvider());
        app.UseNoNewCircuitsWhileStopping(stop.Token);
        app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            return Task.CompletedTask;
        });
        var context = new DefaultHttpContext();
        context.Request.Path = path;

        await app.Build()(context);

        Assert.Equal(expected, context.Response.StatusCode);
        Assert.Equal(expected == StatusCodes.Status503ServiceUnavailable ? "1" : null, context.Response.Headers.RetryAfter.ToString() is { Length: > 0 } after ? after : null);
    }
}
