using BlazorVault.Accounts.Pages;
using BlazorVault.Components.Layout;
using Bunit;
using Bunit.TestDoubles;

namespace BlazorVault.Tests.Accounts;

public sealed class NavMenuTests : BunitContext
{
    [Fact]
    public void NavMenu_WhenSignedIn_ShowsTheUserNameAndSignOut()
    {
        AddAuthorization().SetAuthorized("alice");
        // The bell has its own tests (NotificationBellTests); here it is only a place in the bar.
        ComponentFactories.AddStub<BlazorVault.Notifications.NotificationBell>();

        var cut = Render<NavMenu>();

        Assert.Equal("alice", cut.Find("[data-testid=nav-user]").TextContent);
        var form = cut.Find("form[action=logout]");
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Contains("Sign out", form.TextContent);
        Assert.Empty(cut.FindAll("a[href=login]"));
    }

    [Fact]
    public void NavMenu_WhenSignedOut_OffersSignInAndRegister()
    {
        AddAuthorization();

        var cut = Render<NavMenu>();

        Assert.Single(cut.FindAll("a[href=login]"));
        Assert.Single(cut.FindAll("a[href=register]"));
        Assert.Empty(cut.FindAll("[data-testid=nav-user]"));
        Assert.Empty(cut.FindAll("form[action=logout]"));
    }

    [Fact]
    public void RedirectToLogin_SendsToSignInWithTheCurrentPageAsReturnUrl()
    {
        var navigation = Services.GetRequiredService<BunitNavigationManager>();
        navigation.NavigateTo("files?q=report");

        Render<RedirectToLogin>();

        Assert.Equal("http://localhost/login?returnUrl=%2Ffiles%3Fq%3Dreport", navigation.Uri);
    }
}
