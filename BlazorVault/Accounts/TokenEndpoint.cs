using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BlazorVault.Accounts;

public sealed record TokenRequest(string? UserName, string? Password);

public sealed record UserInfo(string Id, string UserName);

public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);

internal static class TokenEndpoint
{
    public static async Task<Results<Ok<TokenResponse>, UnauthorizedHttpResult, ValidationProblem>> CreateToken(
        TokenRequest request,
        PasswordCheck passwords,
        ApiTokenService tokens)
    {
        if (string.IsNullOrWhiteSpace(request.UserName) || string.IsNullOrEmpty(request.Password))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["userName"] = string.IsNullOrWhiteSpace(request.UserName) ? ["The user name is required."] : [],
                ["password"] = string.IsNullOrEmpty(request.Password) ? ["The password is required."] : [],
            }.Where(e => e.Value.Length > 0).ToDictionary());
        }

        // Unknown, wrong and locked are one answer, in the same time.
        if ((await passwords.CheckAsync(request.UserName, request.Password)).User is not { } user)
        {
            return TypedResults.Unauthorized();
        }

        var token = tokens.Create(user);
        return TypedResults.Ok(new TokenResponse(token.Token, "Bearer", (int)token.Lifetime.TotalSeconds));
    }

    public static Ok<UserInfo> WhoAmI(ClaimsPrincipal user) =>
        TypedResults.Ok(new UserInfo(user.GetUserId() ?? "", user.Identity?.Name ?? ""));
}
