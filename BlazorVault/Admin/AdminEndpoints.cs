using System.Security.Claims;
using BlazorVault.Accounts;
using BlazorVault.Accounts.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace BlazorVault.Admin;

public sealed record QuotaRequest(long? QuotaBytes);

public sealed record AdminFlagRequest(bool Admin);

public sealed record ModeRequest(string? Mode);

public sealed record ModeResponse(string Mode);

public sealed record CreateInviteRequest(double? ExpiresInHours, long? QuotaBytes);

public sealed record InviteResponse(Guid Id, string? Url, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, long? QuotaBytes, DateTimeOffset? UsedAt, string? UsedBy);

/// <summary>
/// <c>/api/admin/*</c>: the admin area's API, for admins' bearer tokens; 404 for everyone else
/// (<see cref="AdminNotFoundResultHandler"/>), and each call checks the admin again in its service.
/// </summary>
internal static class AdminEndpoints
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/admin")
            .RequireAuthorization(AdminExtensions.AdminApiPolicy)
            // An admin's actions need the admin's own short-lived token, never a script's personal access token.
            .RefusePersonalAccessTokens()
            .DisableAntiforgery()
            .WithTags("Admin");
        api.MapGet("/users", ListUsers).WithName("AdminListUsers");
        api.MapPut("/users/{id}/quota", SetQuota).WithName("AdminSetQuota");
        api.MapPost("/users/{id}/disable", (string id, ClaimsPrincipal user, UserAdministration admin, CancellationToken ct) =>
            Answer(admin.DisableAsync(user.GetUserId(), id, ct))).WithName("AdminDisableUser");
        api.MapPost("/users/{id}/enable", (string id, ClaimsPrincipal user, UserAdministration admin, CancellationToken ct) =>
            Answer(admin.EnableAsync(user.GetUserId(), id, ct))).WithName("AdminEnableUser");
        api.MapPost("/users/{id}/reset-2fa", (string id, ClaimsPrincipal user, UserAdministration admin, CancellationToken ct) =>
            Answer(admin.ResetTwoFactorAsync(user.GetUserId(), id, ct))).WithName("AdminResetTwoFactor");
        api.MapPut("/users/{id}/admin", (string id, AdminFlagRequest request, ClaimsPrincipal user, UserAdministration admin, CancellationToken ct) =>
            Answer(admin.SetAdminAsync(user.GetUserId(), id, request.Admin, ct))).WithName("AdminSetAdmin");
        api.MapDelete("/users/{id}", (string id, ClaimsPrincipal user, UserAdministration admin, CancellationToken ct) =>
            Answer(admin.DeleteAsync(user.GetUserId(), id, ct))).WithName("AdminDeleteUser");
        api.MapGet("/registration", GetMode).WithName("AdminGetRegistration");
        api.MapPut("/registration", SetMode).WithName("AdminSetRegistration");
        api.MapGet("/invites", ListInvites).WithName("AdminListInvites");
        api.MapPost("/invites", CreateInvite).WithName("AdminCreateInvite");
        api.MapDelete("/invites/{id:guid}", (Guid id, ClaimsPrincipal user, InstanceAdministration admin, CancellationToken ct) =>
            Answer(admin.RevokeInviteAsync(user.GetUserId(), id, ct))).WithName("AdminRevokeInvite");
        api.MapGet("/overview", GetOverview).WithName("AdminOverview");
        api.MapGet("/audit", ListAudit).WithName("AdminAuditLog");
        return api;
    }

    public static async Task<Results<Ok<AdminUserPage>, NotFound, ValidationProblem>> ListUsers(
        ClaimsPrincipal user, UserAdministration admin, string? q, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        if (Paging(page, pageSize, UserAdministration.MaxPageSize) is { } invalid)
        {
            return invalid;
        }

        var size = pageSize ?? 50;
        var listed = await admin.ListAsync(user.GetUserId(), q, ((page ?? 1) - 1) * size, size, cancellationToken);
        return listed is null ? TypedResults.NotFound() : TypedResults.Ok(listed);
    }

    public static Task<Results<NoContent, NotFound, ProblemHttpResult, ValidationProblem>> SetQuota(
        string id, QuotaRequest request, ClaimsPrincipal user, UserAdministration admin, CancellationToken cancellationToken) =>
        Answer(admin.SetQuotaAsync(user.GetUserId(), id, request.QuotaBytes, cancellationToken));

    public static async Task<Results<Ok<ModeResponse>, NotFound>> GetMode(ClaimsPrincipal user, InstanceAdministration admin, CancellationToken cancellationToken) =>
        await admin.GetModeAsync(user.GetUserId(), cancellationToken) is { } mode ? TypedResults.Ok(new ModeResponse(mode.ToString())) : TypedResults.NotFound();

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult, ValidationProblem>> SetMode(
        ModeRequest request, ClaimsPrincipal user, InstanceAdministration admin, CancellationToken cancellationToken)
    {
        if (!Enum.TryParse<RegistrationMode>(request.Mode, ignoreCase: true, out var mode) || !Enum.IsDefined(mode) || int.TryParse(request.Mode, out _))
        {
            return Invalid("mode", "The mode is Open, InviteOnly or Closed.");
        }

        return await Answer(admin.SetModeAsync(user.GetUserId(), mode, cancellationToken));
    }

    public static async Task<Results<Ok<InviteResponse[]>, NotFound>> ListInvites(ClaimsPrincipal user, InstanceAdministration admin, CancellationToken cancellationToken) =>
        await admin.ListInvitesAsync(user.GetUserId(), cancellationToken) is { } invites
            ? TypedResults.Ok(invites.Select(i => ToResponse(i, null)).ToArray())
            : TypedResults.NotFound();

    public static async Task<Results<Created<InviteResponse>, NotFound, ValidationProblem>> CreateInvite(
        CreateInviteRequest? request, ClaimsPrincipal user, InstanceAdministration admin, IOptions<VaultOptions> options, HttpRequest http,
        CancellationToken cancellationToken)
    {
        var hours = request?.ExpiresInHours ?? 24 * 7;
        if (!double.IsFinite(hours) || hours < InstanceAdministration.MinInviteLifetime.TotalHours || hours > InstanceAdministration.MaxInviteLifetime.TotalHours)
        {
            return Invalid("expiresInHours", "An invite lasts from 1 hour to 30 days (720 hours).");
        }

        var (result, created) = await admin.CreateInviteAsync(user.GetUserId(), TimeSpan.FromHours(hours), request?.QuotaBytes, cancellationToken);
        return result.Status switch
        {
            AdminStatus.Done => TypedResults.Created("/api/admin/invites", ToResponse(created!.Invite, InviteUrl(options.Value, http, created.Secret))),
            AdminStatus.Invalid => Invalid("quotaBytes", result.Message!),
            _ => TypedResults.NotFound(),
        };
    }

    public static async Task<Results<Ok<InstanceOverview>, NotFound>> GetOverview(ClaimsPrincipal user, InstanceAdministration admin, CancellationToken cancellationToken) =>
        await admin.GetOverviewAsync(user.GetUserId(), cancellationToken) is { } overview ? TypedResults.Ok(overview) : TypedResults.NotFound();

    public static async Task<Results<Ok<AuditPage>, NotFound, ValidationProblem>> ListAudit(
        ClaimsPrincipal user, InstanceAdministration admin, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        if (Paging(page, pageSize, InstanceAdministration.MaxPageSize) is { } invalid)
        {
            return invalid;
        }

        var size = pageSize ?? 50;
        return await admin.ListAuditAsync(user.GetUserId(), ((page ?? 1) - 1) * size, size, cancellationToken) is { } audit
            ? TypedResults.Ok(audit)
            : TypedResults.NotFound();
    }

    /// <summary>The link to hand out: under <c>Vault:PublicBaseUrl</c> when set, else the address the admin came by.</summary>
    public static string InviteUrl(VaultOptions options, HttpRequest http, string secret) =>
        InviteUrl(options.PublicBaseUrl ?? $"{http.Scheme}://{http.Host}{http.PathBase}/", secret);

    public static string InviteUrl(string baseUrl, string secret) => $"{baseUrl.TrimEnd('/')}/register?invite={secret}";

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult, ValidationProblem>> Answer(Task<AdminResult> action)
    {
        var result = await action;
        return result.Status switch
        {
            AdminStatus.Done => TypedResults.NoContent(),
            AdminStatus.Refused => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, detail: result.Message),
            AdminStatus.Invalid => Invalid("value", result.Message!),
            _ => TypedResults.NotFound(),
        };
    }

    private static ValidationProblem? Paging(int? page, int? pageSize, int max) =>
        page is < 1 ? Invalid("page", "Pages count from 1.")
        : pageSize is { } size && (size < 1 || size > max) ? Invalid("pageSize", $"pageSize is 1 to {max}.")
        : null;

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    private static InviteResponse ToResponse(InviteInfo i, string? url) =>
        new(i.Id, url, i.CreatedBy, i.CreatedAt, i.ExpiresAt, i.QuotaBytes, i.UsedAt, i.UsedBy);
}
