using BlazorVault.Storage;
using Microsoft.Extensions.Options;

namespace BlazorVault.Files;

/// <summary>
/// <c>GET /bench/bare/{sha256}</c>, mapped only when <c>Vault:Downloads:BareBenchEndpoint</c> is on (bench/run.sh
/// sets it; nothing else should): a blob sent by the same download result as an owner's download, with no
/// authentication, no database and no access check, so that the bench can tell the framework's own cost of a
/// small download from ours.
/// </summary>
public static class BareBenchEndpoint
{
    public static IEndpointRouteBuilder MapBareBenchEndpoint(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (!endpoints.ServiceProvider.GetRequiredService<IOptions<VaultOptions>>().Value.Downloads.BareBenchEndpoint)
        {
            return endpoints;
        }

        endpoints.MapGet("/bench/bare/{sha256}", (string sha256, IBlobStore blobs, FileService files) =>
            {
                var path = (blobs as IPhysicalBlobFiles)?.GetPhysicalPath(sha256);
                var info = path is null ? null : new FileInfo(path);
                return info is { Exists: true }
                    ? (IResult)FileDownload.Create(files.ContentOf(new FileItem(
                        Guid.Empty, "bare.bin", info.Length, "application/octet-stream", sha256, info.LastWriteTimeUtc, null, null)))
                    : TypedResults.NotFound();
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
        return endpoints;
    }
}
