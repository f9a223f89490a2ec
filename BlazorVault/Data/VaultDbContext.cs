using BlazorVault.Accounts;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Data;

public sealed class VaultDbContext(DbContextOptions<VaultDbContext> options) : IdentityDbContext<VaultUser>(options)
{
}
