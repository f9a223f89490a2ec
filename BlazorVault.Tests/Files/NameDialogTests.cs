using BlazorVault.Files;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace BlazorVault.Tests.Files;

public sealed class NameDialogTests : BunitContext
{
    [Fact]
    public void TheConfirmButton_StaysEnabledWhileTheNameIsEmpty_SoEnterAlwaysSubmits_AndTheFieldIsRequiredInstead()
    {
        var submitted = new List<string>();
        var cut = Render<NameDialog>(p => p
            .Add(d => d.Open, true)
            .Add(d => d.ConfirmText, "Create")
            .Add(d => d.OnSubmit, EventCallback.Factory.Create<string>(this, submitted.Add)));

        // A disabled default button makes the browser ignore Enter in the field; the server enabling it after the
        // first key arrives is a moment too late for a quick "name, Enter".
        Assert.False(cut.Find("[data-testid=name-ok]").HasAttribute("disabled"));
        Assert.True(cut.Find("[data-testid=name-input]").HasAttribute("required"));

        cut.Find("form").Submit();
        Assert.Empty(submitted);

        cut.Find("[data-testid=name-input]").Input("Projects");
        cut.Find("form").Submit();
        Assert.Equal(["Projects"], submitted);
    }
}
