using BlazorVault.Accounts.Manage;
using Bunit;
using Bunit.TestDoubles;

namespace BlazorVault.Tests.Accounts;

/// <summary>The account page's frame: its sections (stubbed here, tested on their own and over HTTP), links and status line.</summary>
public sealed class AccountPageComponentTests : BunitContext
{
    public AccountPageComponentTests()
    {
        ComponentFactories.AddStub<PasswordSection>();
        ComponentFactories.AddStub<UserNameSection>();
        ComponentFactories.AddStub<SessionsSection>();
        ComponentFactories.AddStub<AccessTokensSection>();
    }

    [Fact]
    public void AccountPage_HasEverySection_AndLinksToTwoFactorPasskeysAndDeletion()
    {
        var cut = Render<AccountPage>();

        Assert.Equal("Your account", cut.Find("h1").TextContent);
        Assert.Single(cut.FindComponents<Stub<PasswordSection>>());
        Assert.Single(cut.FindComponents<Stub<UserNameSection>>());
        Assert.Single(cut.FindComponents<Stub<SessionsSection>>());
        Assert.Single(cut.FindComponents<Stub<AccessTokensSection>>());
        var links = cut.FindAll("a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains("account/two-factor", links);
        Assert.Contains("account/passkeys", links);
        Assert.Contains("account/delete", links);
        Assert.Empty(cut.FindAll("[data-testid=account-status]"));
    }

    [Theory]
    [InlineData("password", "Your password is changed.")]
    [InlineData("name", "Your user name is changed.")]
    public void AccountPage_AfterAChange_SaysWhatItDid(string done, string expected)
    {
        Services.GetRequiredService<Bunit.TestDoubles.BunitNavigationManager>().NavigateTo("account?done=" + done);

        var cut = Render<AccountPage>();

        var status = cut.Find("[data-testid=account-status]");
        Assert.StartsWith(expected, status.TextContent, StringComparison.Ordinal);
        Assert.Equal("status", status.GetAttribute("role"));
    }

    [Fact]
    public void AccountPage_WithAnUnknownDone_SaysNothing()
    {
        Services.GetRequiredService<Bunit.TestDoubles.BunitNavigationManager>().NavigateTo("account?done=<script>");

        var cut = Render<AccountPage>();

        Assert.Empty(cut.FindAll("[data-testid=account-status]"));
    }
}
