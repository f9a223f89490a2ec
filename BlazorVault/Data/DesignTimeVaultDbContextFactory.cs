using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BlazorVault.Data;

// Let `dotnet ef migrations add` build each provider's model without starting the app (no connection is opened).
internal sealed class DesignTimeVaultDbContextFactory : IDesignTimeDbContextFactory<VaultDbContext>
{
    public VaultDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<VaultDbContext>().UseSqlite("Data Source=design-time.db")
            .UseApplicationServiceProvider(DesignTimeIdentity.Services).Options);
}

internal sealed class DesignTimePostgreSqlVaultDbContextFactory : IDesignTimeDbContextFactory<PostgreSqlVaultDbContext>
{
    public PostgreSqlVaultDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgreSqlVaultDbContext>().UseNpgsql("Host=localhost;Database=design_time")
            .UseApplicationServiceProvider(DesignTimeIdentity.Services).Options);
}

// Identity reads its schema version (3: with the passkeys table) from the app's IdentityOptions, as AddAccounts sets them.
internal static class DesignTimeIdentity
{
    public static readonly IServiceProvider Services = new ServiceCollection()
        .Configure<IdentityOptions>(options => options.Stores.SchemaVersion = IdentitySchemaVersions.Version3)
        .BuildServiceProvider();
}
