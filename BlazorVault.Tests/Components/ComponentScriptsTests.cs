using BlazorVault.Components;
using Microsoft.JSInterop;

namespace BlazorVault.Tests.Components;

public sealed class ComponentScriptsTests
{
    [Fact]
    public async Task MarkCircuitReady_SetsTheBodysMark()
    {
        var js = new RecordingJs(fail: null);

        await ComponentScripts.MarkCircuitReadyAsync(js);

        Assert.Equal(("document.body.setAttribute", "data-circuit-ready"), Assert.Single(js.Calls));
    }

    [Fact]
    public async Task MarkCircuitReady_OnACircuitThatWentAway_EndsQuietly()
    {
        var js = new RecordingJs(fail: new JSDisconnectedException("The circuit has disconnected and is being disposed."));

        await ComponentScripts.MarkCircuitReadyAsync(js);

        Assert.Single(js.Calls);
    }

    [Fact]
    public async Task MarkCircuitReady_LetsOtherFailuresThrough()
    {
        var js = new RecordingJs(fail: new JSException("document is not defined"));

        await Assert.ThrowsAsync<JSException>(() => ComponentScripts.MarkCircuitReadyAsync(js));
    }

    /// <summary>The one call the helper makes, recorded; answered or failed as told.</summary>
    private sealed class RecordingJs(Exception? fail) : IJSRuntime
    {
        public List<(string Identifier, string? FirstArgument)> Calls { get; } = [];

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) =>
            InvokeAsync<TValue>(identifier, CancellationToken.None, args);

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args)
        {
            Calls.Add((identifier, args?.FirstOrDefault() as string));
            return fail is null ? ValueTask.FromResult(default(TValue)!) : ValueTask.FromException<TValue>(fail);
        }
    }
}
