namespace BlazorVault;

/// <summary>The API description at <c>/openapi/v1.json</c>, generated from the endpoints' own metadata.</summary>
public static class OpenApiExtensions
{
    public static IServiceCollection AddVaultOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi();
        return services;
    }

    public static IEndpointRouteBuilder MapVaultOpenApi(this IEndpointRouteBuilder endpoints)
    {
        // Public on purpose: it describes routes, not data, and clients need it before they have a token.
        endpoints.MapOpenApi();
        return endpoints;
    }
}
