using BlazorVault.Accounts;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;

namespace BlazorVault.Admin;

public static class AdminExtensions
{
    /// <summary>The admin pages' policy (the session cookie). Non-admins get 404.</summary>
    public const string AdminPolicy = "admin";

    /// <summary>The admin API's policy (bearer tokens). Non-admins get 404.</summary>
    public const string AdminApiPolicy = "admin-api";

    public static IServiceCollection AddAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName).ValidateOnStart();
        services.AddOptions<RegistrationOptions>().BindConfiguration(RegistrationOptions.SectionName)
            .Validate(o => Enum.IsDefined(o.Mode), "Vault:Registration:Mode is Open, InviteOnly or Closed.")
            .ValidateOnStart();
        services.AddSingleton<AdminAccess>();
        services.AddSingleton<RegistrationSettings>();
        services.AddSingleton<AccountDeletion>();
        services.AddSingleton<UserAdministration>();
        services.AddSingleton<InstanceAdministration>();
        services.AddScoped<Registration>();
        services.AddSingleton<IAuthorizationHandler, AdminRequirementHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AdminNotFoundResultHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, policy => policy
                .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireAuthenticatedUser()
                .AddRequirements(new AdminRequirement()))
            .AddPolicy(AdminApiPolicy, policy => policy
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .AddRequirements(new AdminRequirement()));
        return services;
    }

    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAdminApi();
        return endpoints;
    }
}
