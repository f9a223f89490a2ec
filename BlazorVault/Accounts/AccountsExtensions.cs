using System.Threading.RateLimiting;
using BlazorVault.Accounts.Passkeys;
using BlazorVault.Accounts.Tokens;
using BlazorVault.Accounts.TwoFactor;
using BlazorVault.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BlazorVault.Accounts;

public static class AccountsExtensions
{
    /// <summary>Rate-limit policy for sign-in, registration and token requests (POSTs only).</summary>
    public const string AuthRateLimitPolicy = "auth";

    /// <summary>Authorization policy for <c>/api/*</c>: bearer tokens only, 401 instead of a redirect.</summary>
    public const string ApiPolicy = "api";

    /// <summary>Holds a personal access token to the endpoint's <see cref="RequiredScope"/> (see <see cref="ApiScopeExtensions.RequireScope"/>).</summary>
    public const string ScopePolicy = "api-scope";

    /// <summary>The JWT handler's own scheme; <c>Bearer</c> chooses between it and personal access tokens.</summary>
    private const string JwtScheme = "Jwt";

    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingIdentityAuthenticationStateProvider>();
        services.AddScoped<IdentityRedirectManager>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, SessionCircuitHandler>());

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddJwtBearer(JwtScheme)
            .AddScheme<AuthenticationSchemeOptions, PersonalAccessTokenHandler>(PersonalAccessTokenHandler.SchemeName, null)
            // "Bearer" is either kind of token: every policy naming the scheme takes both.
            .AddPolicyScheme(JwtBearerDefaults.AuthenticationScheme, "Bearer token", options => options.ForwardDefaultSelector = context =>
                PersonalAccessTokenHandler.CredentialOf(context.Request) is null ? JwtScheme : PersonalAccessTokenHandler.SchemeName)
            .AddIdentityCookies();

        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/login";
            options.LogoutPath = "/logout";
            options.AccessDeniedPath = "/login";
            options.Cookie.Name = "BlazorVault.Session";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.SlidingExpiration = true;
            options.Events.OnRedirectToLogin = context =>
            {
                // API clients get a status code, never an HTML sign-in page.
                if (context.Request.Path.StartsWithSegments("/api"))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                }
                else
                {
                    context.Response.Redirect(context.RedirectUri);
                }

                return Task.CompletedTask;
            };
            options.Events.OnRedirectToAccessDenied = context =>
            {
                if (context.Request.Path.StartsWithSegments("/api"))
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                }
                else
                {
                    context.Response.Redirect(context.RedirectUri);
                }

                return Task.CompletedTask;
            };
        });

        // Sessions live in the database (DatabaseTicketStore): the cookie names one, the row decides.
        services.AddSingleton<DatabaseTicketStore>();
        services.AddSingleton<UserSessions>();
        services.AddSingleton<PersonalAccessTokens>();
        services.AddScoped<AccountChanges>();
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<DatabaseTicketStore>((options, store) => options.SessionStore = store)
            // After the cookie handler's own set-up, which makes the data format this wraps.
            .PostConfigure<TimeProvider>((options, clock) =>
            {
                options.TicketDataFormat = new DecodedCookies(options.TicketDataFormat, clock);
                options.Events.OnValidatePrincipal = DecodedCookies.WhenStampCheckDue(options.Events.OnValidatePrincipal);
            });

        services.AddIdentityCore<VaultUser>()
            .AddEntityFrameworkStores<VaultDbContext>()
            .AddSignInManager<VaultSignInManager>()
            .AddPasswordValidator<CommonPasswordValidator>()
            .AddDefaultTokenProviders()
            .AddTokenProvider<AuthenticatorCodes>(TokenOptions.DefaultAuthenticatorProvider);
        services.AddTwoFactor();
        services.AddOptions<IdentityOptions>().Configure<IOptions<VaultOptions>>((identity, vault) =>
        {
            // NIST SP 800-63B: length, not composition; common passwords are refused separately.
            identity.Password.RequiredLength = 8;
            identity.Password.RequireDigit = false;
            identity.Password.RequireLowercase = false;
            identity.Password.RequireUppercase = false;
            identity.Password.RequireNonAlphanumeric = false;
            identity.Password.RequiredUniqueChars = 1;
            identity.User.RequireUniqueEmail = false;
            identity.SignIn.RequireConfirmedAccount = false;
            identity.Lockout.AllowedForNewUsers = true;
            identity.Lockout.MaxFailedAccessAttempts = vault.Value.Lockout.MaxFailedAttempts;
            identity.Lockout.DefaultLockoutTimeSpan = vault.Value.Lockout.Duration;
        });
        services.AddScoped<IPasswordHasher<VaultUser>, BcryptPasswordHasher>();
        services.AddScoped<PasswordCheck>();
        services.AddSingleton<DecoyPasswordHash>();

        // Keys in the database: sessions survive a restart, and every app process on the database honours them.
        services.AddDataProtection().SetApplicationName("BlazorVault").PersistKeysToDbContext<VaultDbContext>();

        services.AddSigningKeyRing(ApiTokenService.Audience);
        services.AddSingleton<ApiTokenService>();
        services.AddSingleton<UserStandings>();
        services.AddSingleton<ValidatedTokenCache>();
        services.AddOptions<JwtBearerOptions>(JwtScheme)
            .Configure<ApiTokenService, ValidatedTokenCache>((options, tokens, cache) =>
            {
                options.MapInboundClaims = false;
                // Nothing reads the token back from the ticket (GetTokenAsync): not stored on every request.
                options.SaveToken = false;
                options.TokenHandlers.Clear();
                options.TokenHandlers.Add(cache);
                options.TokenValidationParameters = tokens.ValidationParameters();
                options.Events = new JwtBearerEvents { OnTokenValidated = ApiTokenService.CheckUserAsync };
            });

        services.AddSingleton<IAuthorizationHandler, ScopeAuthorizationHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicy, policy => policy
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                // Here too, so that an endpoint that forgot to declare a scope admits no personal access token.
                .AddRequirements(ScopeRequirement.Instance))
            .AddPolicy(ScopePolicy, policy => policy.AddRequirements(ScopeRequirement.Instance));

        services.AddRateLimiter(options =>
        {
            ClientRateLimits.AnswerRefusals(options);
            options.AddPolicy(AuthRateLimitPolicy, context =>
            {
                // Showing the form is free; only attempts count.
                if (!HttpMethods.IsPost(context.Request.Method))
                {
                    return RateLimitPartition.GetNoLimiter("read");
                }

                var permits = context.RequestServices.GetRequiredService<IOptions<VaultOptions>>().Value.RateLimits.AuthPermitsPerMinute;
                return ClientRateLimits.PerMinute(context, permits);
            });
        });

        return services;
    }

    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/token", TokenEndpoint.CreateToken)
            .AllowAnonymous()
            .DisableAntiforgery()
            .RequireRateLimiting(AuthRateLimitPolicy)
            .WithTags("Accounts")
            .WithName("CreateToken");
        endpoints.MapGet("/api/me", TokenEndpoint.WhoAmI)
            .RequireAuthorization(ApiPolicy)
            .RequireScope(ApiScopes.Read)
            .WithTags("Accounts")
            .WithName("WhoAmI");
        endpoints.MapPasskeys();
        return endpoints;
    }
}
