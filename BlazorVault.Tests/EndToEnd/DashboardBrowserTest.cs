using System.Security.Cryptography;
using BlazorVault.Accounts;
using BlazorVault.Files;
using Microsoft.AspNetCore.Identity;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>What the dashboard's browser tests share: a signed-in user, files to choose and the page's parts.</summary>
public abstract class DashboardBrowserTest(BrowserFixture browser) : BrowserTest(browser)
{
    protected const string UserName = "alice";

    /// <summary>Every row of the upload list, in the order shown.</summary>
    protected ILocator UploadRows => Page.GetByTestId("upload-row");

    /// <summary>The names in the file grid, in the order shown.</summary>
    protected ILocator FileNames => Page.GetByTestId("file-name");

    protected ILocator Dialog => Page.GetByRole(AriaRole.Dialog);

    /// <summary>The upload zone's file chooser. Spent inputs stay in the page, hidden, while their files upload.</summary>
    protected ILocator FileChooser => Page.Locator("input[type=file]:not([hidden]):not([webkitdirectory])");

    /// <summary>Registers <see cref="UserName"/> through the form and waits until the dashboard answers clicks.</summary>
    protected async Task OpenDashboardAsNewUserAsync()
    {
        await RegisterAsync(UserName);
        await Expect(Page).ToHaveURLAsync(UrlOf(""));
        await WaitForCircuitAsync();
    }

    /// <summary>Registers <see cref="UserName"/>, stores the files for them and opens the dashboard showing them.</summary>
    protected async Task OpenDashboardWithFilesAsync(params FilePayload[] files)
    {
        await RegisterAsync(UserName);
        await Expect(Page).ToHaveURLAsync(UrlOf(""));
        foreach (var file in files)
        {
            await SeedFileAsync(file);
        }

        await Page.ReloadAsync();
        await WaitForCircuitAsync();
        await Expect(FileNames).ToHaveCountAsync(files.Length);
    }

    /// <summary>Chooses files in the upload zone's file chooser, as a person picking them in the dialog.</summary>
    protected async Task ChooseFilesAsync(params FilePayload[] files) => await FileChooser.SetInputFilesAsync(files);

    /// <summary>Chooses a file on disk in the upload zone, as a person picking it in the dialog.</summary>
    protected async Task ChooseFileAsync(string path) => await FileChooser.SetInputFilesAsync(path);

    /// <summary>Waits until the grid shows exactly these names, in any order.</summary>
    protected async Task ExpectFileNamesAsync(params string[] names)
    {
        await Expect(FileNames).ToHaveCountAsync(names.Length);
        foreach (var name in names)
        {
            await Expect(FileNames.GetByText(name, new() { Exact = true })).ToBeVisibleAsync();
        }
    }

    protected ILocator UploadRow(string name) => UploadRows.Filter(new() { HasText = name });

    /// <summary>Stores a file for <see cref="UserName"/> directly, for tests about what comes after the upload.</summary>
    protected async Task SeedFileAsync(FilePayload file)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<FileService>()
            .UploadAsync(await OwnerIdAsync(scope.ServiceProvider), file.Name, file.MimeType, new MemoryStream(file.Buffer));
        Assert.IsType<UploadResult.Stored>(result);
    }

    /// <summary>The files stored for <see cref="UserName"/>, as the server has them.</summary>
    protected async Task<IReadOnlyList<FileItem>> StoredFilesAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var files = scope.ServiceProvider.GetRequiredService<FileService>();
        return (await files.ListAsync(await OwnerIdAsync(scope.ServiceProvider), new FileQuery(Take: 50))).Items;
    }

    private static async Task<string> OwnerIdAsync(IServiceProvider services)
    {
        var users = services.GetRequiredService<UserManager<VaultUser>>();
        var owner = await users.FindByNameAsync(UserName) ?? throw new InvalidOperationException($"{UserName} has not registered.");
        return owner.Id;
    }

    protected static FilePayload RandomFile(string name, int size, string mimeType = "application/octet-stream") =>
        new() { Name = name, MimeType = mimeType, Buffer = RandomNumberGenerator.GetBytes(size) };

    protected static string Sha256Of(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Clicks a download link and returns the bytes the browser saved.</summary>
    protected static async Task<(string FileName, byte[] Bytes)> DownloadAsync(IPage page, ILocator link)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        Assert.Null(await download.FailureAsync());
        var path = await download.PathAsync();
        return (download.SuggestedFilename, await File.ReadAllBytesAsync(path));
    }
}
