using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>
/// Every kind of page works under the Content-Security-Policy; any violation on the way fails the test
/// (<see cref="BrowserTest"/> watches for them in every browser test).
/// </summary>
public sealed class SecurityHeadersBrowserTests(BrowserFixture browser) : DashboardBrowserTest(browser)
{
    [Fact]
    public async Task EveryPageType_WorksUnderTheContentSecurityPolicy()
    {
        await ExpectPolicyOnAsync(Page, "login", "same-origin");
        await ExpectPolicyOnAsync(Page, "register", "same-origin");
        await RegisterAsync(UserName);
        await Expect(Page).ToHaveURLAsync(UrlOf(""));
        await ExpectPolicyOnAsync(Page, "", "same-origin");
        await WaitForCircuitAsync();

        // Through the circuit and through tus, with their progress bars.
        var small = RandomFile("small.txt", 2_000, "text/plain");
        var large = RandomFile("large.bin", 600_000);
        await ChooseFilesAsync(small, large);
        foreach (var name in new[] { "small.txt", "large.bin" })
        {
            await Expect(UploadRow(name)).ToHaveAttributeAsync("data-upload-state", "Stored", new() { Timeout = 60_000 });
        }

        await ExpectFileNamesAsync("small.txt", "large.bin");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Share small.txt" }).ClickAsync();
        var dialog = Page.GetByTestId("share-dialog");
        await dialog.GetByTestId("share-create").ClickAsync();
        var url = await dialog.GetByTestId("share-url").InputValueAsync();
        var stranger = await (await NewContextAsync()).NewPageAsync();
        await ExpectPolicyOnAsync(stranger, url, "no-referrer");
        await Expect(stranger.GetByTestId("shared-name")).ToHaveTextAsync("small.txt");
        await ExpectPolicyOnAsync(stranger, "s/no-such-link", "no-referrer");

        await ExpectPolicyOnAsync(Page, "trash", "same-origin");
        await WaitForCircuitAsync();
        await ExpectPolicyOnAsync(Page, "logout", "same-origin");
        await Page.Locator("main").GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(UrlOf("login"));
    }

    [Fact]
    public async Task InjectedInlineScript_IsBlockedAndReported()
    {
        await Page.GotoAsync("login");

        await Page.EvaluateAsync("""
            () => {
                const script = document.createElement('script');
                script.textContent = 'window.injected = true;';
                document.body.appendChild(script);
            }
            """);

        Assert.False(await Page.EvaluateAsync<bool>("() => window.injected === true"));
        var violations = new List<string>();
        for (var waited = 0; waited < 50 && violations.Count == 0; waited++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            violations.AddRange(TakePolicyViolations());
        }

        Assert.Contains(violations, v => v.Contains("script-src", StringComparison.Ordinal));
    }

    private async Task ExpectPolicyOnAsync(IPage page, string url, string referrerPolicy)
    {
        var response = await page.GotoAsync(url);
        Assert.NotNull(response);
        var headers = await response.AllHeadersAsync();
        Assert.Contains("script-src 'self'", headers.GetValueOrDefault("content-security-policy", ""), StringComparison.Ordinal);
        Assert.Equal(referrerPolicy, headers.GetValueOrDefault("referrer-policy"));
        Assert.Equal("nosniff", headers.GetValueOrDefault("x-content-type-options"));
    }
}
