namespace BlazorVault.Files;

public static class FilesExtensions
{
    public static IServiceCollection AddFiles(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<FileService>();
        services.AddHostedService<BlobSweeper>();
        return services;
    }

    public static IEndpointRouteBuilder MapFiles(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapFileEndpoints();
}
