using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Net.Http.Headers;

namespace BlazorVault.Accounts.Tokens;

/// <summary>
/// <c>Authorization: Bearer bvpat_…</c>. The principal looks like a JWT's (<c>sub</c>, <c>name</c>), plus the
/// token's id and scopes, which <see cref="ScopeAuthorizationHandler"/> holds against each endpoint.
/// </summary>
internal sealed class PersonalAccessTokenHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options,
        ILoggerFactory logger,
        UrlEncoder encoder,
        PersonalAccessTokens tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PersonalAccessToken";

    /// <summary>The bearer credential of a request when it is a personal access token.</summary>
    public static string? CredentialOf(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { } header
        && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
        && header["Bearer ".Length..].Trim() is { } credential
        && PersonalAccessTokens.LooksLikeToken(credential)
            ? credential
            : null;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (CredentialOf(Request) is not { } credential)
        {
            return AuthenticateResult.NoResult();
        }

        var check = await tokens.CheckAsync(credential, Context.RequestAborted);
        if (check is not { Outcome: TokenOutcome.Valid, Token: { } token, User: { } user })
        {
            return AuthenticateResult.Fail(check.Outcome switch
            {
                TokenOutcome.Expired => "The personal access token has expired.",
                TokenOutcome.AccountRefused => check.Reason ?? "The account cannot be used.",
                _ => "Unknown or revoked personal access token.",
            });
        }

        List<Claim> claims =
        [
            new(JwtRegisteredClaimNames.Sub, user.Id),
            new(JwtRegisteredClaimNames.Name, user.UserName ?? ""),
            new(PersonalAccessTokens.TokenIdClaim, token.Id.ToString()),
        ];
        claims.AddRange(PersonalAccessTokens.Each(token.Scopes).Select(s => new Claim(PersonalAccessTokens.ScopeClaim, PersonalAccessTokens.NameOf(s))));
        var identity = new ClaimsIdentity(claims, SchemeName, JwtRegisteredClaimNames.Name, null);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, "Bearer error=\"invalid_token\"");
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, "Bearer error=\"insufficient_scope\"");
        return Task.CompletedTask;
    }
}
