using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.Accounts;

/// <summary>What the sign-in and registration forms send back after a refusal, read from the raw HTML.</summary>
public sealed class AccountFormTests : IAsyncLifetime
{
    private const string Typed = "my own typed secret phrase";

    private readonly VaultApp _app = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task FailedSignIn_NeverRendersThePasswordBack()
    {
        using var client = _app.CreateBrowserClient();

        using var wrong = await client.SignInAsync("nobody", Typed);
        // Refused before the password is checked: the form's own validation (no user name).
        using var invalid = await client.SignInAsync("", Typed);

        foreach (var response in new[] { wrong, invalid })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(Typed, html, StringComparison.Ordinal);
            Assert.False(Parse(html).QuerySelector("#login-password")!.HasAttribute("value"));
        }
    }

    [Fact]
    public async Task FailedRegistration_NeverRendersThePasswordsBack()
    {
        using var client = _app.CreateBrowserClient();

        using var common = await client.RegisterAsync("alice", "password123");
        using var mismatch = await client.RegisterAsync("alice", Typed, Typed + "!");

        var commonHtml = await common.Content.ReadAsStringAsync();
        Assert.DoesNotContain("value=\"password123\"", commonHtml, StringComparison.Ordinal);
        var mismatchHtml = await mismatch.Content.ReadAsStringAsync();
        Assert.DoesNotContain(Typed, mismatchHtml, StringComparison.Ordinal);
        foreach (var html in new[] { commonHtml, mismatchHtml })
        {
            var page = Parse(html);
            Assert.False(page.QuerySelector("#register-password")!.HasAttribute("value"));
            Assert.False(page.QuerySelector("#register-confirm")!.HasAttribute("value"));
            // The user name is no secret: it stays, so only the passwords need typing again.
            Assert.Equal("alice", page.QuerySelector("#register-username")!.GetAttribute("value"));
        }
    }

    [Fact]
    public async Task Register_WithACommonPassword_ShowsTheReasonAtThePasswordField()
    {
        using var client = _app.CreateBrowserClient();

        using var response = await client.RegisterAsync("alice", "password123");

        var page = Parse(await response.Content.ReadAsStringAsync());
        AssertFieldError(page, "register-password", "one of the most common ones");
        AssertFieldValid(page, "register-username");
        AssertFieldValid(page, "register-confirm");
        // Still described by its hint, after the error.
        Assert.Equal("register-password-error register-password-help", page.QuerySelector("#register-password")!.GetAttribute("aria-describedby"));
        Assert.Empty(page.QuerySelectorAll("main .alert-danger"));
    }

    [Fact]
    public async Task Register_WithATakenName_ShowsItAtTheUserNameField()
    {
        using (var first = _app.CreateBrowserClient())
        {
            using var registered = await first.RegisterAsync("alice");
            Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        }

        using var client = _app.CreateBrowserClient();
        using var response = await client.RegisterAsync("alice", "another long password");

        var page = Parse(await response.Content.ReadAsStringAsync());
        AssertFieldError(page, "register-username", "The user name 'alice' is already taken.");
        AssertFieldValid(page, "register-password");
    }

    [Fact]
    public async Task Register_WithDifferentPasswords_ShowsItAtTheConfirmation()
    {
        using var client = _app.CreateBrowserClient();

        using var response = await client.RegisterAsync("carol", "a fine long password", "a fine long passw0rd");

        var page = Parse(await response.Content.ReadAsStringAsync());
        AssertFieldError(page, "register-confirm", "The two passwords differ.");
        AssertFieldValid(page, "register-password");
    }

    [Fact]
    public async Task SignIn_WithoutAUserName_ShowsItAtTheField()
    {
        using var client = _app.CreateBrowserClient();

        using var response = await client.SignInAsync("", "whatever it is");

        var page = Parse(await response.Content.ReadAsStringAsync());
        AssertFieldError(page, "login-username", "Enter your user name.");
        AssertFieldValid(page, "login-password");
    }

    private static void AssertFieldError(IDocument page, string inputId, string message)
    {
        var input = page.QuerySelector("#" + inputId)!;
        Assert.Contains("is-invalid", input.ClassList);
        Assert.Equal("true", input.GetAttribute("aria-invalid"));
        var describedBy = input.GetAttribute("aria-describedby")!.Split(' ');
        Assert.Contains(inputId + "-error", describedBy);
        var error = page.GetElementById(inputId + "-error");
        Assert.NotNull(error);
        Assert.Contains(message, error.TextContent, StringComparison.Ordinal);
        // At the field: inside the same group as the input, not a banner above the form.
        Assert.Same(input.ParentElement, error.ParentElement);
    }

    private static void AssertFieldValid(IDocument page, string inputId)
    {
        var input = page.QuerySelector("#" + inputId)!;
        Assert.DoesNotContain("is-invalid", input.ClassList);
        Assert.Null(page.GetElementById(inputId + "-error"));
    }

    private static IDocument Parse(string html) => new HtmlParser().ParseDocument(html);
}
