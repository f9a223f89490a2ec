using System.Text;
using BlazorVault.Files.Viewing;

namespace BlazorVault.Tests.Files.Viewing;

public sealed class TextPreviewTests
{
    private static Task<TextPreview> ReadAsync(byte[] bytes, int max) => TextPreviews.ReadAsync(new MemoryStream(bytes), max, default);

    [Fact]
    public async Task AShortFile_IsShownWhole_WithoutItsByteOrderMark()
    {
        var preview = await ReadAsync([0xEF, 0xBB, 0xBF, .. "Grüße\n"u8], 100);

        Assert.Equal(new TextPreview("Grüße\n", Truncated: false, Binary: false), preview);
    }

    [Fact]
    public async Task ALongFile_IsCutAtTheLimit_NeverInsideACharacter()
    {
        // "aé€😀" is 1 + 2 + 3 + 4 bytes; every cut inside a character steps back to its start.
        var bytes = Encoding.UTF8.GetBytes("aé€😀x");
        string[] expected = ["", "a", "a", "aé", "aé", "aé", "aé€", "aé€", "aé€", "aé€", "aé€😀"];
        for (var max = 0; max <= 10; max++)
        {
            var preview = await ReadAsync(bytes, max);
            Assert.True(preview.Truncated);
            Assert.Equal(expected[max], preview.Text);
        }
    }

    [Fact]
    public async Task BytesWithNul_AreNotText()
    {
        Assert.True((await ReadAsync([(byte)'M', (byte)'Z', 0, 1, 2], 100)).Binary);
    }

    [Fact]
    public void RawHtmlInMarkdown_IsShownAsText()
    {
        var html = TextPreviews.RenderMarkdown("# Title\n\n<script>alert(1)</script>\n\nSome <b onclick=\"x()\">bold</b> text");

        Assert.Contains("<h1", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<b ", html);
        Assert.Contains("&lt;script&gt;", html);
    }

    [Theory]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[click](JaVaScRiPt:alert(1))")]
    [InlineData("[click](data:text/html,<script>alert(1)</script>)")]
    [InlineData("[click](vbscript:msgbox)")]
    [InlineData("<javascript:alert(1)>")]
    public void DangerousLinks_LoseTheirTarget(string markdown)
    {
        var html = TextPreviews.RenderMarkdown(markdown);

        Assert.DoesNotContain("script:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("data:", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void WebLinks_OpenApartWithoutAReferrer_AndImagesBecomeLinks()
    {
        var html = TextPreviews.RenderMarkdown("[site](https://example.org/a) ![cat](https://example.org/cat.png)\n\n| a | b |\n|--:|:-:|\n| 1 | 2 |");

        Assert.Contains("<a href=\"https://example.org/a\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">site</a>", html);
        Assert.DoesNotContain("<img", html);
        Assert.Contains("href=\"https://example.org/cat.png\"", html);
        // Aligned columns without style attributes, which the app's policy would refuse.
        Assert.Contains("<td>2</td>", html);
        Assert.DoesNotContain("style=", html);
    }
}
