using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.Data;

public sealed class DataDirectoryPermissionsTests
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task DataDirectory_CreatedByTheApp_IsOwnerOnlyWithOwnerOnlyDatabaseAndBlobs()
    {
        var parent = TempDirectory.Create();
        var root = Path.Combine(parent, "data");
        try
        {
            await using (var app = new VaultApp(root))
            {
                using var user = await FilesTestClient.CreateAsync(app);
                await user.UploadAsync("a.txt", "private bytes"u8.ToArray());

                Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(root));
                var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories);
                Assert.Contains(Path.Combine(root, "vault.db"), files);
                Assert.Contains(files, f => f.Contains($"{Path.DirectorySeparatorChar}blobs{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
                Assert.All(files, file => Assert.True(File.GetUnixFileMode(file) == OwnerOnlyFile, $"{Path.GetRelativePath(root, file)} is {File.GetUnixFileMode(file)}"));
                Assert.All(
                    Directory.GetDirectories(root, "*", SearchOption.AllDirectories),
                    directory => Assert.True(File.GetUnixFileMode(directory) == OwnerOnlyDirectory, $"{Path.GetRelativePath(root, directory)} is {File.GetUnixFileMode(directory)}"));
            }
        }
        finally
        {
            TempDirectory.Delete(parent);
        }
    }
}
