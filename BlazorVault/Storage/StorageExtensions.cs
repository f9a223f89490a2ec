namespace BlazorVault.Storage;

public static class StorageExtensions
{
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IBlobStore, FileSystemBlobStore>();
        return services;
    }
}
