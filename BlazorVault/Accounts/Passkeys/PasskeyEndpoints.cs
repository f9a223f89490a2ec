using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace BlazorVault.Accounts.Passkeys;

/// <summary>
/// The options a browser needs before it asks its authenticator: for a new passkey (signed-in users) and
/// for a sign-in. Identity keeps each ceremony's challenge in the short-lived sign-in-step cookie; the
/// page's form then posts the authenticator's answer, which Identity checks against it.
/// </summary>
public static class PasskeyEndpoints
{
    public const string CreationOptionsPath = "/account/passkeys/creation-options";
    public const string RequestOptionsPath = "/login/passkey-options";

    public static IEndpointRouteBuilder MapPasskeys(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(CreationOptionsPath, CreationOptionsAsync)
            .RequireAuthorization()
            .DisableAntiforgery()
            .RequireRateLimiting(AccountsExtensions.AuthRateLimitPolicy)
            .ExcludeFromDescription();
        endpoints.MapPost(RequestOptionsPath, RequestOptionsAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .RequireRateLimiting(AccountsExtensions.AuthRateLimitPolicy)
            .ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> CreationOptionsAsync(
        HttpContext context, IAntiforgery antiforgery, UserManager<VaultUser> users, SignInManager<VaultUser> signIn)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Refused("The form has expired. Reload the page and try again.");
        }

        if (await users.GetUserAsync(context.User) is not { } user)
        {
            return Refused("Sign in again.");
        }

        var name = await users.GetUserNameAsync(user) ?? user.Id;
        var options = await signIn.MakePasskeyCreationOptionsAsync(new PasskeyUserEntity { Id = user.Id, Name = name, DisplayName = name });
        return TypedResults.Content(options, "application/json");
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> RequestOptionsAsync(
        HttpContext context, IAntiforgery antiforgery, SignInManager<VaultUser> signIn)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Refused("The form has expired. Reload the page and try again.");
        }

        // No user name: the authenticator offers its passkeys for this site, and nothing here says which names exist.
        var options = await signIn.MakePasskeyRequestOptionsAsync(null);
        return TypedResults.Content(options, "application/json");
    }

    private static ProblemHttpResult Refused(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");
}
