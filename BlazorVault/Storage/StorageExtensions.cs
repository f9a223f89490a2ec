using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace BlazorVault.Storage;

public static class StorageExtensions
{
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<FileSystemBlobStore>();
        services.AddSingleton<FileSystemResumableStaging>();
        services.AddSingleton<S3Bucket>();
        services.AddSingleton<S3BlobStore>();
        services.AddSingleton<S3ResumableStaging>();
        // Chosen when first asked for, from the validated options: Vault:Storage:Provider.
        services.AddSingleton<IBlobStore>(sp => IsS3(sp) ? sp.GetRequiredService<S3BlobStore>() : sp.GetRequiredService<FileSystemBlobStore>());
        services.AddSingleton<IResumableStaging>(sp => IsS3(sp) ? sp.GetRequiredService<S3ResumableStaging>() : sp.GetRequiredService<FileSystemResumableStaging>());
        services.AddSingleton<BlobLedger>();
        services.AddSingleton<ConsistencyCheck>();
        services.AddHostedService<StorageStartupCheck>();
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage");
        return services;
    }

    private static bool IsS3(IServiceProvider services) =>
        services.GetRequiredService<IOptions<VaultOptions>>().Value.Storage.Provider == StorageProvider.S3;

    /// <summary>A bucket that cannot be reached stops the app at start, with the setting to look at, rather than failing the first upload.</summary>
    private sealed class StorageStartupCheck(IServiceProvider services) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (IsS3(services))
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                await services.GetRequiredService<S3Bucket>().ProbeAsync(timeout.Token);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class StorageHealthCheck(IServiceProvider services) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (!IsS3(services))
            {
                return HealthCheckResult.Healthy();
            }

            try
            {
                await services.GetRequiredService<S3Bucket>().ProbeAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (InvalidOperationException e)
            {
                return HealthCheckResult.Unhealthy(e.Message);
            }
        }
    }
}
