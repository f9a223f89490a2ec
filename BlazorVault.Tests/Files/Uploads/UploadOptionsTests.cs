using System.ComponentModel.DataAnnotations;
using BlazorVault.Files.Uploads;

namespace BlazorVault.Tests.Files.Uploads;

/// <summary>The <c>Vault:Uploads</c> settings the app refuses to start with.</summary>
public sealed class UploadOptionsTests
{
    [Theory]
    [InlineData(0L, true)]
    [InlineData(64L * 1024, true)]
    [InlineData(512L * 1024 * 1024, true)]
    [InlineData(64L * 1024 - 1, false)]
    [InlineData(1L, false)]
    [InlineData(-1L, false)]
    public void BrowserChunkBytes_IsZeroForWholeFiles_OrAtLeast64KiB(long chunkBytes, bool valid)
    {
        var options = new UploadOptions { BrowserChunkBytes = chunkBytes };
        var errors = new List<ValidationResult>();

        var ok = Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true);

        Assert.Equal(valid, ok);
        Assert.Equal(valid ? [] : [nameof(UploadOptions.BrowserChunkBytes)], errors.SelectMany(e => e.MemberNames));
    }
}
