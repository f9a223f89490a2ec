using BlazorVault.Components;
using Bunit;

namespace BlazorVault.Tests.Components;

public sealed class ToastServiceTests : BunitContext
{
    [Fact]
    public void TheLine_ShowsTheNewestError_WhileThereIsOne_HoweverManySuccessesFollow()
    {
        var toasts = new ToastService(TimeProvider.System);
        Services.AddSingleton(toasts);
        var cut = Render<Toasts>();

        toasts.ShowError("a.txt: the folder is gone.");
        toasts.ShowError("b.txt: the folder is gone.");
        toasts.ShowSuccess("Moved c.txt");

        cut.WaitForAssertion(() =>
        {
            var shown = Assert.Single(cut.FindAll("[data-toast-kind]"));
            Assert.Equal("Error", shown.GetAttribute("data-toast-kind"));
            Assert.Contains("b.txt", shown.TextContent, StringComparison.Ordinal);
            Assert.Contains("+1", shown.TextContent, StringComparison.Ordinal);
        });

        cut.Find("[data-toast-kind] button").Click();
        cut.Find("[data-toast-kind] button").Click();

        Assert.Equal("Success", cut.Find("[data-toast-kind]").GetAttribute("data-toast-kind"));
        Assert.Contains("Moved c.txt", cut.Find("[role=status]").TextContent, StringComparison.Ordinal);
    }

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
