using BlazorVault.Components;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace BlazorVault.Tests.Components;

public sealed class ConfirmDialogTests : BunitContext
{
    [Fact]
    public void AnOpenConfirm_IsAModalDialogNamedByItsTitle_AndStartsOnCancelNotOnTheAction()
    {
        var cut = Render<ConfirmDialog>(p => p
            .Add(d => d.Open, true)
            .Add(d => d.Title, "Delete this file?")
            .Add(d => d.ConfirmText, "Delete")
            .Add(d => d.ConfirmClass, "btn-danger"));

        var dialog = cut.Find("[role=dialog]");
        Assert.Equal("true", dialog.GetAttribute("aria-modal"));
        Assert.Equal("Delete this file?", cut.Find($"#{dialog.GetAttribute("aria-labelledby")}").TextContent);
        // The page's dialog script focuses [autofocus] first: Enter then cancels rather than deletes.
        Assert.True(cut.Find("[data-testid=confirm-cancel]").HasAttribute("autofocus"));
        Assert.False(cut.Find("[data-testid=confirm-ok]").HasAttribute("autofocus"));
        Assert.Single(cut.FindAll("[autofocus]"));
    }

    [Fact]
    public void Escape_Cancels_AndAClosedConfirmRendersNothing()
    {
        var cancelled = 0;
        var cut = Render<ConfirmDialog>(p => p
            .Add(d => d.Open, true)
            .Add(d => d.OnCancel, EventCallback.Factory.Create(this, () => cancelled++)));

        cut.Find("[role=dialog]").KeyDown(new KeyboardEventArgs { Key = "Escape" });

        Assert.Equal(1, cancelled);
        cut.Render(p => p.Add(d => d.Open, false));
        Assert.Empty(cut.FindAll("[role=dialog]"));
    }
}
