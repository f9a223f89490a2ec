using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace BlazorVault.Accounts.TwoFactor;

public static class TwoFactorExtensions
{
    /// <summary>How long "remember this browser" spares a browser the code.</summary>
    public static readonly TimeSpan RememberBrowserFor = TimeSpan.FromDays(30);

    public static IServiceCollection AddTwoFactor(this IServiceCollection services)
    {
        services.AddScoped<TwoFactorService>();
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.TwoFactorRememberMeScheme).Configure(options =>
        {
            options.ExpireTimeSpan = RememberBrowserFor;
            options.Cookie.Name = "BlazorVault.RememberBrowser";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
        });
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.TwoFactorUserIdScheme).Configure(options =>
        {
            // Between the password and the code (and while a passkey ceremony runs): five minutes, Identity's default.
            options.Cookie.Name = "BlazorVault.SignInStep";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
        });
        return services;
    }
}
