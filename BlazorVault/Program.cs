using BlazorVault;
using BlazorVault.Accounts;
using BlazorVault.Admin;
using BlazorVault.Components;
using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Files.Uploads;
using BlazorVault.Sharing;
using BlazorVault.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddVaultData(builder.Configuration);
builder.Services.AddAccounts(builder.Configuration);
builder.Services.AddStorage(builder.Configuration);
builder.Services.AddFiles(builder.Configuration);
builder.Services.AddUploads(builder.Configuration);
builder.Services.AddSharing(builder.Configuration);
builder.Services.AddAdmin(builder.Configuration);
builder.Services.AddVaultOpenApi();
builder.Services.AddVaultForwardedHeaders();

var app = builder.Build();

await app.InitializeVaultDataAsync();
if (await app.TryRunCheckCommandAsync(args))
{
    return;
}

// First: everything after it (rate limits, logs, share links) sees the client and host the proxy saw.
app.UseVaultForwardedHeaders();
app.UseNoNewCircuitsWhileStopping(app.Lifetime.ApplicationStopping);
app.UseSecurityHeaders();
app.UseViewerCulture();
app.UseVaultErrorAnswers();
// Routing after the error answers, so that a re-executed request finds its page.
app.UseRoutingWithHead();
app.UseUploads();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseAntiforgery();

app.MapStaticAssets();
// Blazor's own "frame-ancestors 'self'" header would stand in for the whole policy of SecurityHeaders.
app.MapRazorComponents<App>().AddInteractiveServerRenderMode(options => options.ContentSecurityFrameAncestorsPolicy = null);
app.MapAccounts();
app.MapFiles();
app.MapUploads();
app.MapSharing();
app.MapAdmin();
app.MapVaultHealth();
app.MapVaultOpenApi();

await app.RunAsync();

/// <summary>Entry point; public so that tests can host the app.</summary>
public partial class Program;
