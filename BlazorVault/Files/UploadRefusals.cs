using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BlazorVault.Files;

/// <summary>
/// The one mapping of an upload's refusal to what its client is told: problem+json for every HTTP way
/// in (raw POST, multipart, tus), a sentence for people on the dashboard.
/// </summary>
public static class UploadRefusals
{
    public static ProblemHttpResult ToProblem(UploadResult refusal) => refusal switch
    {
        UploadResult.InvalidName invalid => TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest, title: "The upload was refused.", detail: invalid.Reason),
        UploadResult.TooLarge tooLarge => TypedResults.Problem(
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "The file is too large.",
            detail: string.Create(CultureInfo.InvariantCulture, $"Files can be at most {tooLarge.LimitBytes} bytes."),
            extensions: new Dictionary<string, object?> { ["limitBytes"] = tooLarge.LimitBytes }),
        UploadResult.OverQuota overQuota => TypedResults.Problem(
            statusCode: StatusCodes.Status507InsufficientStorage,
            title: "Not enough storage left.",
            detail: string.Create(CultureInfo.InvariantCulture, $"{overQuota.UsedBytes} of {overQuota.QuotaBytes} bytes are used."),
            extensions: new Dictionary<string, object?> { ["quotaBytes"] = overQuota.QuotaBytes, ["usedBytes"] = overQuota.UsedBytes }),
        UploadResult.StorageFull => TypedResults.Problem(
            statusCode: StatusCodes.Status507InsufficientStorage,
            title: "The server is out of space.",
            detail: "The server's disk is full; nothing was stored. Try again later."),
        UploadResult.Conflict conflict => TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict, title: "The upload was not stored.", detail: conflict.Reason),
        UploadResult.NameTaken taken => TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict, title: "The name is taken.", detail: taken.Reason),
        UploadResult.TooManyUnfinished tooMany => TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Too many unfinished uploads.",
            detail: string.Create(CultureInfo.InvariantCulture, $"You have {tooMany.Limit} unfinished uploads; finish or cancel one first."),
            extensions: new Dictionary<string, object?> { ["limit"] = tooMany.Limit }),
        UploadResult.FolderNotFound => TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound, title: "No such folder.", detail: "The target folder does not exist or is in the trash."),
        _ => throw new InvalidOperationException($"Not a refusal: {refusal}."),
    };

    public static string Message(UploadResult refusal) => refusal switch
    {
        UploadResult.InvalidName invalid => invalid.Reason,
        UploadResult.TooLarge tooLarge => $"Too large: the limit is {FileDisplay.Size(tooLarge.LimitBytes)} per file.",
        UploadResult.OverQuota quota => $"Not enough space: {FileDisplay.Size(Math.Max(0, quota.QuotaBytes - quota.UsedBytes))} left.",
        UploadResult.StorageFull => "The server is out of space; try again later.",
        UploadResult.Conflict conflict => conflict.Reason,
        UploadResult.NameTaken taken => taken.Reason,
        UploadResult.FolderNotFound => "The folder is gone (deleted or moved to the trash).",
        UploadResult.TooManyUnfinished tooMany => $"You have {tooMany.Limit} unfinished uploads; finish or cancel one first.",
        _ => throw new InvalidOperationException($"Not a refusal: {refusal}."),
    };
}
