using System.Security.Claims;
using BlazorVault.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BlazorVault.Files.Viewing;

/// <summary>
/// <c>/view/{id}</c>: the owner's file shown in the browser (the viewer's images, players and PDF frame),
/// the one route that sends a stored file inline. The type is the allow-list's (<see cref="InlineTypes"/>),
/// the answer sandboxed and not sniffable; a file the list does not know is sent as a download.
/// </summary>
internal static class ViewEndpoints
{
    public static IEndpointRouteBuilder MapViewEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/view/{id:guid}", [HttpMethods.Get, HttpMethods.Head], View)
            .RequireAuthorization()
            .ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>The URL the viewer shows a file from.</summary>
    public static string UrlOf(Guid fileId) => $"/view/{fileId}";

    private static async Task<Results<FileDownloadResult, NotFound>> View(Guid id, ClaimsPrincipal user, FileService files, CancellationToken cancellationToken)
    {
        if (await files.OpenAsync(user.GetRequiredUserId(), id, cancellationToken) is not { } content)
        {
            return TypedResults.NotFound();
        }

        var (_, type) = InlineTypes.Of(content.File.Name, content.File.ContentType);
        return type is null ? FileDownload.Create(content) : FileDownload.Inline(content, type);
    }
}
