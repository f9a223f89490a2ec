using BlazorVault.Components;

namespace BlazorVault.Tests.Components;

public sealed class ToastServiceTests
{
    [Fact]
    public void Successes_HoweverMany_NeverPushAnErrorOut()
    {
        var toasts = new ToastService(TimeProvider.System);

        toasts.ShowError("report.pdf: the folder is gone.");
        for (var i = 0; i < 10; i++)
        {
            toasts.ShowSuccess($"Moved item {i}");
        }

        Assert.Contains(toasts.Current, t => t is { Kind: ToastKind.Error, Message: "report.pdf: the folder is gone." });
        // The latest successes stay, a few at most.
        Assert.Equal(["Moved item 8", "Moved item 9"], toasts.Current.Where(t => t.Kind == ToastKind.Success).Select(t => t.Message));
    }
}
