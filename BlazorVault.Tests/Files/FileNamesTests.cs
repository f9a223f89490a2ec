using BlazorVault.Files;

namespace BlazorVault.Tests.Files;

public sealed class FileNamesTests
{
    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("..\\..\\windows\\win.ini", "win.ini")]
    [InlineData("/absolute/path/photo.jpg", "photo.jpg")]
    [InlineData("D:\\Documents\\notes.txt", "notes.txt")]
    [InlineData("evil\r\nSet-Cookie: x=y.txt", "evilSet-Cookie: x=y.txt")]
    [InlineData("nul\0byte.bin", "nulbyte.bin")]
    [InlineData("  padded name.txt  ", "padded name.txt")]
    [InlineData("rtl\u202Eexe.txt", "rtlexe.txt")]
    [InlineData("Ünïcødé 文件 📄.txt", "Ünïcødé 文件 📄.txt")]
    public void Sanitize_KeepsOnlyTheDisplayName(string raw, string expected) =>
        Assert.Equal(expected, FileNames.Sanitize(raw));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("    ")]
    [InlineData("dir/")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("\r\n\t")]
    public void Sanitize_OfANameWithNothingLeft_ReturnsNull(string? raw) =>
        Assert.Null(FileNames.Sanitize(raw));

    [Fact]
    public void Sanitize_OfAVeryLongName_CapsIt()
    {
        var name = FileNames.Sanitize(new string('a', 5000) + ".txt");

        Assert.NotNull(name);
        Assert.Equal(FileNames.MaxLength, name.Length);
    }

    [Fact]
    public void Sanitize_NeverSplitsASurrogatePairAtTheCap()
    {
        var name = FileNames.Sanitize(new string('a', FileNames.MaxLength - 1) + "📄📄");

        Assert.NotNull(name);
        Assert.True(name.Length <= FileNames.MaxLength);
        Assert.False(char.IsHighSurrogate(name[^1]));
    }

    [Theory]
    [InlineData("a.pdf", null, "application/pdf")]
    [InlineData("a.pdf", "application/octet-stream", "application/pdf")]
    [InlineData("a.bin", "image/PNG", "image/png")]
    [InlineData("a.unknownext", "", "application/octet-stream")]
    [InlineData("a.txt", "not a media type", "text/plain")]
    [InlineData("a.txt", "*/*", "text/plain")]
    public void ContentTypeFor_TrustsOnlyPlausibleMediaTypes(string name, string? declared, string expected) =>
        Assert.Equal(expected, FileNames.ContentTypeFor(name, declared));
}
