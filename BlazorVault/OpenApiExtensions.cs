using BlazorVault.Accounts;
using BlazorVault.Accounts.Tokens;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;

namespace BlazorVault;

/// <summary>The API description at <c>/openapi/v1.json</c>, generated from the endpoints' own metadata.</summary>
public static class OpenApiExtensions
{
    private const string BearerScheme = "Bearer";

    public static IServiceCollection AddVaultOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "A short-lived access token from POST /api/token (a JWT, full access), or a personal access token "
                        + "(bvpat_…, made on the account page), which may use only the operations of its scopes: read, write, share.",
                };
                return Task.CompletedTask;
            });
            // Only the operations that take a token (those declaring a scope: the API policy's and the tus
            // uploads') need one; /api/token itself does not.
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                var scope = metadata.OfType<RequiredScope>().FirstOrDefault();
                if (scope is not null || metadata.OfType<IAuthorizeData>().Any(a => a.Policy == AccountsExtensions.ApiPolicy))
                {
                    if (scope is not null)
                    {
                        var note = scope.Scope == ApiScopes.None
                            ? "Personal access tokens are refused here: use a short-lived token from /api/token."
                            : $"Personal access tokens need the {PersonalAccessTokens.NameOf(scope.Scope)} scope.";
                        operation.Description = string.IsNullOrEmpty(operation.Description) ? note : operation.Description + "\n\n" + note;
                    }

                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [],
                    });
                }

                return Task.CompletedTask;
            });
        });
        return services;
    }

    public static IEndpointRouteBuilder MapVaultOpenApi(this IEndpointRouteBuilder endpoints)
    {
        // Public on purpose: it describes routes, not data, and clients need it before they have a token.
        endpoints.MapOpenApi();
        return endpoints;
    }
}
