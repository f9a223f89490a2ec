using System.Text;
using Markdig;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace BlazorVault.Files.Viewing;

/// <summary>The start of a text file as the viewer shows it.</summary>
/// <param name="Text">The text, decoded as UTF-8 (invalid bytes shown as �), cut at a character boundary.</param>
/// <param name="Truncated">The file goes on past what is shown.</param>
/// <param name="Binary">It holds NUL bytes: not text, whatever its name says; the viewer offers a download.</param>
public sealed record TextPreview(string Text, bool Truncated, bool Binary);

/// <summary>
/// Reads the start of a text file, and renders Markdown safely: Markdig with raw HTML disabled (it is shown
/// as text), links kept only to http, https and mailto (opening in a new tab, without a referrer), and
/// images shown as links, since the app's pages load images only from the app itself.
/// </summary>
public static class TextPreviews
{
    /// <summary>The most the viewer reads of a text file: 1 MiB.</summary>
    public const int MaxBytes = 1024 * 1024;

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseTaskLists()
        .UseAutoLinks()
        .UseEmphasisExtras()
        .Build();

    public static async Task<TextPreview> ReadAsync(Stream content, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var buffer = new byte[maxBytes + 1];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await content.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        var truncated = filled > maxBytes;
        var length = Math.Min(filled, maxBytes);
        var bytes = buffer.AsSpan(0, length);
        if (bytes.Contains((byte)0))
        {
            return new TextPreview("", truncated, Binary: true);
        }

        if (truncated && length > 0)
        {
            // Do not cut a UTF-8 sequence in two: find where the last character starts and drop it if it is incomplete.
            var start = length - 1;
            while (start > 0 && start > length - 4 && (bytes[start] & 0xC0) == 0x80)
            {
                start--;
            }

            var lead = bytes[start];
            var needed = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            var end = start + needed > length ? start : length;
            bytes = bytes[..end];
        }

        var skip = bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        return new TextPreview(Encoding.UTF8.GetString(bytes[skip..]), truncated, Binary: false);
    }

    /// <summary>The Markdown as HTML that is safe to put in the app's page.</summary>
    public static string RenderMarkdown(string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>())
        {
            // Images would be fetched from wherever they point; as links they are a click away.
            link.IsImage = false;
            if (!IsSafe(link.Url))
            {
                link.Url = "";
                continue;
            }

            OpensApart(link);
        }

        foreach (var autolink in document.Descendants<AutolinkInline>())
        {
            if (!autolink.IsEmail && !IsSafe(autolink.Url))
            {
                autolink.Url = "";
            }
            else
            {
                OpensApart(autolink);
            }
        }

        // Column alignment would be written as style attributes, which the app's policy refuses.
        foreach (var table in document.Descendants<Markdig.Extensions.Tables.Table>())
        {
            foreach (var column in table.ColumnDefinitions)
            {
                column.Alignment = null;
            }
        }

        return document.ToHtml(Pipeline);
    }

    private static void OpensApart(Inline link)
    {
        var attributes = link.GetAttributes();
        attributes.AddPropertyIfNotExist("target", "_blank");
        attributes.AddPropertyIfNotExist("rel", "noopener noreferrer nofollow");
    }

    private static bool IsSafe(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "mailto";
}
