using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace BlazorVault.Accounts;

public sealed record TokenRequest(string? UserName, string? Password);

public sealed record UserInfo(string Id, string UserName);

public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);

internal static class TokenEndpoint
{
    // Verified when the user name is unknown, so that the answer takes as long as for a wrong password.
    // Made by the app's own hasher, so it costs what a real user's hash costs (same work factor).
    private static readonly VaultUser DecoyUser = new();
    private static string? _decoyHash;

    public static async Task<Results<Ok<TokenResponse>, UnauthorizedHttpResult, ValidationProblem>> CreateToken(
        TokenRequest request,
        UserManager<VaultUser> users,
        SignInManager<VaultUser> signIn,
        ApiTokenService tokens,
        ILoggerFactory loggerFactory)
    {
        if (string.IsNullOrWhiteSpace(request.UserName) || string.IsNullOrEmpty(request.Password))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["userName"] = string.IsNullOrWhiteSpace(request.UserName) ? ["The user name is required."] : [],
                ["password"] = string.IsNullOrEmpty(request.Password) ? ["The password is required."] : [],
            }.Where(e => e.Value.Length > 0).ToDictionary());
        }

        var user = await users.FindByNameAsync(request.UserName);
        if (user is null)
        {
            var hasher = users.PasswordHasher;
            _decoyHash ??= hasher.HashPassword(DecoyUser, Guid.NewGuid().ToString());
            hasher.VerifyHashedPassword(DecoyUser, _decoyHash, request.Password);
            return TypedResults.Unauthorized();
        }

        // Counts toward lockout exactly like the sign-in form.
        var result = await signIn.CheckPasswordSignInAsync(user, request.Password, lockoutOnFailure: true);
        if (!result.Succeeded)
        {
            loggerFactory.CreateLogger(typeof(TokenEndpoint)).LogInformation(
                "Token refused for {UserId}: {Reason}", user.Id, result.IsLockedOut ? "locked out" : "wrong password");
            return TypedResults.Unauthorized();
        }

        var token = tokens.Create(user);
        return TypedResults.Ok(new TokenResponse(token.Token, "Bearer", (int)token.Lifetime.TotalSeconds));
    }

    public static Ok<UserInfo> WhoAmI(ClaimsPrincipal user) =>
        TypedResults.Ok(new UserInfo(user.GetUserId() ?? "", user.Identity?.Name ?? ""));
}
