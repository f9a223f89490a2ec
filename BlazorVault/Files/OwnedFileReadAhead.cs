namespace BlazorVault.Files;

/// <summary>
/// For an endpoint about one of the signed-in user's files (the browser's download, <c>/download/{id}</c>): the
/// session's own statement (<see cref="Accounts.DatabaseTicketStore"/>, which every cookie request runs) also reads
/// that file's row, when it is the session user's and live, so the endpoint needs no statement of its own. Both rows
/// come from the database in one statement on every request; nothing is remembered past the request.
/// <para>
/// The endpoint takes the row only for the same user and file it would have asked for (<see cref="For"/>);
/// otherwise it reads as before, so a read-ahead that did not happen or does not fit is never trusted.
/// </para>
/// </summary>
public static class OwnedFileReadAhead
{
    /// <summary>Marks an endpoint whose route value <paramref name="routeValue"/> is the id of the user's file it serves.</summary>
    public static TBuilder ReadsTheOwnedFileWithTheSession<TBuilder>(this TBuilder builder, string routeValue = "id")
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new Marker(routeValue));

    /// <summary>The file id the request's endpoint asks for, when it is marked and the id is well formed; else null.</summary>
    public static Guid? FileIdAskedBy(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetEndpoint()?.Metadata.GetMetadata<Marker>() is { } marker
            && context.Request.RouteValues.TryGetValue(marker.RouteValue, out var value)
            && Guid.TryParse(value as string, out var id)
                ? id
                : null;
    }

    /// <summary>The session store's half: keeps what its statement read (<paramref name="file"/> null: no such live file of the user's).</summary>
    public static void Keep(HttpContext context, string userId, Guid fileId, FileItem? file)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Features.Set(new Read(userId, fileId, file));
    }

    /// <summary>
    /// The endpoint's half: the row read ahead for <paramref name="ownerId"/>'s file <paramref name="fileId"/>, or
    /// null when there is none for exactly them (then the endpoint reads it itself). Read.File null: no such live file.
    /// </summary>
    public static Read? For(HttpContext context, string ownerId, Guid fileId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<Read>() is { } read && read.FileId == fileId && string.Equals(read.UserId, ownerId, StringComparison.Ordinal)
            ? read
            : null;
    }

    /// <summary>What the session's statement read: whose session, which file was asked for, and its row if it is theirs and live.</summary>
    public sealed record Read(string UserId, Guid FileId, FileItem? File);

    internal sealed record Marker(string RouteValue);
}
