using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BlazorVault.Data;

// Let `dotnet ef migrations add` build each provider's model without starting the app (no connection is opened).
internal sealed class DesignTimeVaultDbContextFactory : IDesignTimeDbContextFactory<VaultDbContext>
{
    public VaultDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<VaultDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

internal sealed class DesignTimePostgreSqlVaultDbContextFactory : IDesignTimeDbContextFactory<PostgreSqlVaultDbContext>
{
    public PostgreSqlVaultDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgreSqlVaultDbContext>().UseNpgsql("Host=localhost;Database=design_time").Options);
}
