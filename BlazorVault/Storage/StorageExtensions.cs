namespace BlazorVault.Storage;

public static class StorageExtensions
{
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<FileSystemBlobStore>();
        services.AddSingleton<IBlobStore>(sp => sp.GetRequiredService<FileSystemBlobStore>());
        services.AddSingleton<IResumableStaging, FileSystemResumableStaging>();
        services.AddSingleton<BlobLedger>();
        services.AddSingleton<ConsistencyCheck>();
        return services;
    }
}
