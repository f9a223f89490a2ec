using BlazorVault.Accounts;
using BlazorVault.Accounts.Tokens;
using BlazorVault.Storage;
using Microsoft.Extensions.Options;

namespace BlazorVault.Files;

/// <summary>
/// <c>GET /bench/bare/{sha256}</c>, mapped only when <c>Vault:Downloads:BareBenchEndpoint</c> is on (bench/run.sh
/// sets it; nothing else should): a blob sent by the same download result as an owner's download, with no
/// authentication, no database and no access check, so that the bench can tell the framework's own cost of a
/// small download from ours. Beside it, <c>GET /bench/checked/{sha256}</c>: the same bytes behind the API's bearer
/// policy, whose token handler checks the token's user in the database (one statement), and nothing else: the
/// floor of any download that asks the database once.
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

        endpoints.MapGet("/bench/bare/{sha256}", Send)
            .AllowAnonymous()
            .ExcludeFromDescription();
        endpoints.MapGet("/bench/checked/{sha256}", Send)
            .RequireAuthorization(AccountsExtensions.ApiPolicy)
            .RequireScope(ApiScopes.Read)
            .ExcludeFromDescription();
        return endpoints;
    }

    private static IResult Send(string sha256, IBlobStore blobs, FileService files)
    {
        var path = (blobs as IPhysicalBlobFiles)?.GetPhysicalPath(sha256);
        var info = path is null ? null : new FileInfo(path);
        return info is { Exists: true }
            ? FileDownload.Create(files.ContentOf(new FileItem(
                Guid.Empty, "bare.bin", info.Length, "application/octet-stream", sha256, info.LastWriteTimeUtc, null, null)))
            : TypedResults.NotFound();
    }
}
