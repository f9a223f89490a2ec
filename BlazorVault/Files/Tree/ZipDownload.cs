using System.IO.Compression;
using BlazorVault.Data;
using BlazorVault.Storage;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Files.Tree;

/// <summary>One file of a ZIP: where it goes inside ("folder/sub/name.ext") and which bytes.</summary>
public sealed record ZipFileEntry(string Path, string Sha256, long Size, string ContentType, DateTimeOffset ModifiedAt);

/// <summary>What a ZIP holds: its files and the folders (also the empty ones), by path inside it.</summary>
public sealed record ZipPlan(string Name, IReadOnlyList<string> Folders, IReadOnlyList<ZipFileEntry> Files);

/// <summary>
/// Builds ZIPs of folders and selections while they are sent: no temporary file, one entry's copy
/// buffer in memory whatever the size, Zip64 where sizes need it, and deflate only for types it shrinks.
/// </summary>
public sealed class ZipDownload(IDbContextFactory<VaultDbContext> dbFactory, IBlobStore blobs, ILogger<ZipDownload> logger)
{
    private const int CopyBufferBytes = 1024 * 1024;

    /// <summary>The plan of a ZIP of the owner's live folder (null: the whole drive) or of a selection; null when an id is not found.</summary>
    public async Task<ZipPlan?> PlanAsync(string ownerId, IReadOnlyCollection<Guid> folderIds, IReadOnlyCollection<Guid> fileIds, bool wholeDrive, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var folders = new List<string>();
        var files = new List<ZipFileEntry>();
        var roots = new List<(Guid? Id, string Prefix)>();
        string name;
        if (wholeDrive)
        {
            roots.Add((null, ""));
            name = "BlazorVault.zip";
        }
        else
        {
            var chosen = await db.Folders.AsNoTracking()
                .Where(f => f.OwnerId == ownerId && f.TrashId == null && folderIds.Contains(f.Id))
                .Select(f => new { f.Id, f.Name })
                .ToListAsync(cancellationToken);
            if (chosen.Count != folderIds.Distinct().Count())
            {
                return null;
            }

            // Top-level names of a selection come from different folders: they may clash, and get numbers.
            var topLevel = new HashSet<string>(StringComparer.Ordinal);
            roots.AddRange(chosen.Select(f => ((Guid?)f.Id, Unique(f.Name, topLevel) + "/")));
            folders.AddRange(roots.Select(r => r.Prefix));
            name = folderIds.Count == 1 && fileIds.Count == 0 ? chosen[0].Name + ".zip" : "BlazorVault selection.zip";

            var loose = await db.Files.AsNoTracking()
                .Where(f => f.OwnerId == ownerId && f.TrashId == null && fileIds.Contains(f.Id))
                .OrderBy(f => f.NameKey)
                .ToListAsync(cancellationToken);
            if (loose.Count != fileIds.Distinct().Count())
            {
                return null;
            }

            files.AddRange(loose.Select(f => new ZipFileEntry(Unique(f.Name, topLevel), f.Sha256, f.Size, f.ContentType, f.CreatedAt)));
        }

        foreach (var (rootId, prefix) in roots)
        {
            // A level per query: the folders below, with their paths inside the ZIP.
            var paths = new Dictionary<Guid, string>();
            if (rootId is { } id)
            {
                paths[id] = prefix;
            }

            await AddFilesAsync(db, ownerId, rootId, prefix, files, cancellationToken);
            List<Guid?> frontier = [rootId];
            for (var depth = 0; frontier.Count > 0 && depth <= TreeRules.MaxDepth; depth++)
            {
                var parents = frontier;
                var children = await db.Folders.AsNoTracking()
                    .Where(f => f.OwnerId == ownerId && f.TrashId == null && parents.Contains(f.ParentId))
                    .Select(f => new { f.Id, f.ParentId, f.Name })
                    .ToListAsync(cancellationToken);
                foreach (var child in children)
                {
                    var path = (child.ParentId is { } parent ? paths[parent] : prefix) + child.Name + "/";
                    paths[child.Id] = path;
                    folders.Add(path);
                }

                var childIds = children.Select(c => c.Id).ToList();
                var inside = await db.Files.AsNoTracking()
                    .Where(f => f.OwnerId == ownerId && f.TrashId == null && f.FolderId != null && childIds.Contains(f.FolderId.Value))
                    .Select(f => new { f.FolderId, f.Name, f.Sha256, f.Size, f.ContentType, f.CreatedAt })
                    .ToListAsync(cancellationToken);
                files.AddRange(inside.Select(f => new ZipFileEntry(paths[f.FolderId!.Value] + f.Name, f.Sha256, f.Size, f.ContentType, f.CreatedAt)));
                frontier = [.. childIds.Select(c => (Guid?)c)];
            }
        }

        return new ZipPlan(name, folders, [.. files.OrderBy(f => f.Path, StringComparer.Ordinal)]);
    }

    /// <summary>Writes the ZIP to <paramref name="output"/> as it reads each blob; nothing is held but the current copy buffer.</summary>
    public async Task WriteAsync(ZipPlan plan, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        await using var archive = await ZipArchive.CreateAsync(output, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, cancellationToken);
        foreach (var folder in plan.Folders)
        {
            archive.CreateEntry(folder);
        }

        foreach (var file in plan.Files)
        {
            var entry = archive.CreateEntry(file.Path, IsCompressible(file) ? CompressionLevel.Fastest : CompressionLevel.NoCompression);
            entry.LastWriteTime = file.ModifiedAt;
            await using var source = await blobs.OpenReadAsync(file.Sha256, cancellationToken);
            await using var target = await entry.OpenAsync(cancellationToken);
            if (source is null)
            {
                // A missing blob must not cut off the rest: the entry is empty and the log says why.
                logger.LogError("ZIP entry {Path} has no blob {Sha256}", file.Path, file.Sha256);
                continue;
            }

            // Large reads and writes: fewer system calls per byte, which is what a ZIP of big files is made of.
            await source.CopyToAsync(target, CopyBufferBytes, cancellationToken);
        }
    }

    private static async Task AddFilesAsync(VaultDbContext db, string ownerId, Guid? folderId, string prefix, List<ZipFileEntry> files, CancellationToken cancellationToken) =>
        files.AddRange(await db.Files.AsNoTracking()
            .Where(f => f.OwnerId == ownerId && f.TrashId == null && f.FolderId == folderId)
            .Select(f => new ZipFileEntry(prefix + f.Name, f.Sha256, f.Size, f.ContentType, f.CreatedAt))
            .ToListAsync(cancellationToken));

    /// <summary>The name, or "name (n)" when a name of the same key is already at the top level.</summary>
    private static string Unique(string name, HashSet<string> takenKeys)
    {
        var chosen = NameKeys.FirstFree(name, takenKeys.Contains);
        takenKeys.Add(NameKeys.For(chosen));
        return chosen;
    }

    /// <summary>
    /// Deflate only what is known to shrink (text, markup, data formats, uncompressed images and sound);
    /// everything else is stored as it is: images, video, archives and unknown binaries gain little and
    /// would make the ZIP as slow as the compressor.
    /// </summary>
    private static bool IsCompressible(ZipFileEntry file) =>
        file.ContentType.StartsWith("text/", StringComparison.Ordinal)
        || file.ContentType is "application/json" or "application/xml" or "application/javascript" or "application/x-javascript"
            or "application/rtf" or "application/sql" or "application/x-sh" or "application/x-tar" or "application/msword"
            or "application/vnd.ms-excel" or "application/vnd.ms-powerpoint" or "image/svg+xml" or "image/bmp" or "image/x-ms-bmp"
            or "image/tiff" or "audio/wav" or "audio/x-wav" or "application/x-ndjson" or "application/yaml"
        || file.ContentType.EndsWith("+json", StringComparison.Ordinal)
        || file.ContentType.EndsWith("+xml", StringComparison.Ordinal) && file.ContentType != "application/epub+zip";
}
