using Microsoft.AspNetCore.Identity;

namespace BlazorVault.Accounts;

public sealed class VaultUser : IdentityUser
{
}
