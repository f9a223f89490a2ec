using System.Text;
using BlazorVault.Files;
using BlazorVault.Files.Viewing;
using BlazorVault.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components.Web;

namespace BlazorVault.Tests.Files.Viewing;

/// <summary>The viewer: each kind of file shown its own way, previous and next, the keys, and closing.</summary>
public sealed class FileViewerTests : BunitContext, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private readonly VaultServices _vault;

    public FileViewerTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        _vault = VaultServices.Register(this, maxUploadBytes: 4 * 1024 * 1024);
    }

    public async ValueTask InitializeAsync() => await _vault.InitializeAsync();

    private async Task<FileItem> SeedAsync(string name, string contentType, byte[] bytes)
    {
        var result = await _vault.Files.UploadAsync(VaultServices.UserId, name, contentType, new MemoryStream(bytes));
        return Assert.IsType<UploadResult.Stored>(result).File;
    }

    private IRenderedComponent<FileViewer> Show(IReadOnlyList<FileItem> files, FileItem? file, Action<FileItem?>? changed = null) =>
        Render<FileViewer>(p => p
            .Add(v => v.Files, files)
            .Add(v => v.File, file)
            .Add(v => v.OwnerId, VaultServices.UserId)
            .Add(v => v.FileChanged, changed ?? (_ => { })));

    [Fact]
    public async Task EachKind_IsShownItsOwnWay_FromTheViewRoute()
    {
        var photo = await SeedAsync("photo.jpg", "image/jpeg", [1, 2, 3]);
        var clip = await SeedAsync("clip.webm", "video/webm", [4]);
        var song = await SeedAsync("song.mp3", "audio/mpeg", [5]);
        var paper = await SeedAsync("paper.pdf", "application/pdf", [6]);
        var tool = await SeedAsync("tool.exe", "application/x-msdownload", [7]);

        Assert.Equal($"/view/{photo.Id}", Show([photo], photo).Find("[data-testid=viewer-image]").GetAttribute("src"));
        Assert.Equal($"/view/{clip.Id}", Show([clip], clip).Find("video[controls]").GetAttribute("src"));
        Assert.Equal($"/view/{song.Id}", Show([song], song).Find("audio[controls]").GetAttribute("src"));
        Assert.Equal($"/view/{paper.Id}", Show([paper], paper).Find("iframe[data-testid=viewer-pdf]").GetAttribute("src"));

        var none = Show([tool], tool);
        Assert.Contains("no preview", none.Find("[data-testid=viewer-none]").TextContent);
        Assert.Equal($"download/{tool.Id}", none.Find("[data-testid=viewer-download]").GetAttribute("href"));
    }

    [Fact]
    public async Task Text_IsReadAndShownAsText_HtmlIncluded()
    {
        var page = await SeedAsync("page.html", "text/html", Encoding.UTF8.GetBytes("<b>not bold</b>\nline two"));

        var cut = Show([page], page);

        cut.WaitForAssertion(() => Assert.Equal("<b>not bold</b>\nline two", cut.Find("[data-testid=viewer-text]").TextContent), Wait);
        Assert.Empty(cut.FindAll("[data-testid=viewer-stage] b"));
    }

    [Fact]
    public async Task Markdown_IsRendered_WithoutItsRawHtml()
    {
        var readme = await SeedAsync("README.md", "text/markdown", Encoding.UTF8.GetBytes("# Hello\n\n<script>x()</script>\n\n**bold**"));

        var cut = Show([readme], readme);

        cut.WaitForAssertion(() => Assert.Equal("Hello", cut.Find("[data-testid=viewer-markdown] h1").TextContent), Wait);
        Assert.Equal("bold", cut.Find("[data-testid=viewer-markdown] strong").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=viewer-stage] script"));
    }

    [Fact]
    public async Task ALongText_SaysItShowsOnlyTheStart()
    {
        var log = await SeedAsync("big.log", "text/plain", Encoding.ASCII.GetBytes(new string('x', TextPreviews.MaxBytes + 10)));

        var cut = Show([log], log);

        cut.WaitForAssertion(() => Assert.Contains("Showing the first", cut.Find("[data-testid=viewer-truncated]").TextContent), Wait);
        Assert.Equal(TextPreviews.MaxBytes, cut.Find("[data-testid=viewer-text]").TextContent.Length);
    }

    [Fact]
    public async Task PreviousAndNext_AndTheArrowKeys_WalkTheList_AndEscapeCloses()
    {
        var a = await SeedAsync("a.png", "image/png", [1]);
        var b = await SeedAsync("b.png", "image/png", [2]);
        var c = await SeedAsync("c.png", "image/png", [3]);
        FileItem? asked = a;
        var cut = Show([a, b, c], b, f => asked = f);

        Assert.Equal("2 of 3", cut.Find("[data-testid=viewer-position]").TextContent);
        cut.Find("[data-testid=viewer-next]").Click();
        Assert.Equal(c, asked);
        cut.Find("[data-testid=viewer-previous]").Click();
        Assert.Equal(a, asked);
        cut.Find("[data-testid=file-viewer]").KeyDown(new KeyboardEventArgs { Key = "ArrowRight" });
        Assert.Equal(c, asked);

        cut.Render(p => p.Add(v => v.File, c));
        Assert.True(cut.Find("[data-testid=viewer-next]").HasAttribute("disabled"));
        cut.Find("[data-testid=file-viewer]").KeyDown(new KeyboardEventArgs { Key = "Escape" });
        Assert.Null(asked);
    }
}
