namespace BlazorVault.Files;

public static class FilesExtensions
{
    public static IServiceCollection AddFiles(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<FileService>();
        services.AddSingleton<Tree.TreeService>();
        services.AddSingleton<Tree.VersionService>();
        services.AddSingleton<Tree.ZipDownload>();
        services.AddSingleton<DriveCommands>();
        services.AddSingleton<Tree.TrashPurger>();
        services.AddHostedService(sp => sp.GetRequiredService<Tree.TrashPurger>());
        // Scoped is per circuit: one upload queue and one set of toasts per browser tab.
        services.AddScoped<UploadQueue>();
        services.AddScoped<BlazorVault.Components.ToastService>();
        services.AddSingleton<BlobSweeper>();
        services.AddOptions<Thumbnails.ThumbnailOptions>().Bind(configuration.GetSection(Thumbnails.ThumbnailOptions.SectionName));
        services.AddSingleton<Thumbnails.ThumbnailQueue>();
        services.AddSingleton<Viewing.PreferenceService>();
        services.AddSingleton<Thumbnails.ThumbnailWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<Thumbnails.ThumbnailWorker>());
        services.AddHostedService(sp => sp.GetRequiredService<BlobSweeper>());
        return services;
    }

    public static IEndpointRouteBuilder MapFiles(this IEndpointRouteBuilder endpoints) =>
        Viewing.ViewEndpoints.MapViewEndpoints(
            Thumbnails.ThumbnailEndpoints.MapThumbnailEndpoints(Tree.TreeEndpoints.MapTreeEndpoints(endpoints.MapFileEndpoints())))
            .MapBareBenchEndpoint();
}
