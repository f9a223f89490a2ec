using System.Security.Claims;
using BlazorVault.Accounts;
using BlazorVault.Data;
using BlazorVault.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlazorVault.Tests.Accounts;

/// <summary>The check before each circuit action, against the real Sessions table.</summary>
public sealed class SessionCircuitHandlerTests : IAsyncLifetime
{
    private readonly VaultApp _app = new();
    private readonly TestAuthentication _authentication = new();
    private TestNavigation _navigation = new();
    private string _session = "";

    public async ValueTask InitializeAsync()
    {
        using var client = _app.CreateBrowserClient();
        using var registered = await client.RegisterAsync("alice");
        await using var scope = _app.Services.CreateAsyncScope();
        _session = await scope.ServiceProvider.GetRequiredService<VaultDbContext>().Sessions.Select(s => s.Id).SingleAsync();
        _authentication.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(DatabaseTicketStore.SessionIdClaim, _session)], "test"));
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task WhileTheSessionStands_EveryActionRuns()
    {
        var (act, ran) = Handler();

        await act();
        await act();

        Assert.Equal(2, ran());
        Assert.Null(_navigation.NavigatedTo);
    }

    [Fact]
    public async Task OnceTheSessionRowIsGone_TheNextActionDoesNotRun_AndThePageGoesToSignIn()
    {
        var (act, ran) = Handler();
        await act();

        await EndSessionAsync();
        await act();
        await act();

        Assert.Equal(1, ran());
        Assert.Equal("http://localhost/login?returnUrl=%2Ffolders%2F7%3Fq%3Dx", _navigation.NavigatedTo);
    }

    [Fact]
    public async Task OnTheSignOutPage_ThePageGoesToPlainSignIn_LikeTheSignOutFormItRacesWith()
    {
        _navigation = new TestNavigation("http://localhost/logout");
        var (act, _) = Handler();

        await EndSessionAsync();
        await act();

        Assert.Equal("http://localhost/login", _navigation.NavigatedTo);
    }

    [Fact]
    public async Task WhenTheRevalidationMadeTheCircuitAnonymous_ActionsDoNotRunEither()
    {
        var (act, ran) = Handler();
        await act();

        _authentication.User = new ClaimsPrincipal(new ClaimsIdentity());
        await act();

        Assert.Equal(1, ran());
        Assert.NotNull(_navigation.NavigatedTo);
    }

    private (Func<Task> Act, Func<int> Ran) Handler()
    {
        var handler = new SessionCircuitHandler(_authentication, _navigation, _app.Services.GetRequiredService<DatabaseTicketStore>(), NullLogger<SessionCircuitHandler>.Instance);
        var ran = 0;
        var inbound = handler.CreateInboundActivityHandler(_ =>
        {
            ran++;
            return Task.CompletedTask;
        });
        // The context only travels to the next handler; the framework's constructor is internal.
        return (() => inbound(null!), () => ran);
    }

    private async Task EndSessionAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<VaultDbContext>().Sessions.Where(s => s.Id == _session).ExecuteDeleteAsync();
    }

    private sealed class TestAuthentication : AuthenticationStateProvider
    {
        public ClaimsPrincipal User { get; set; } = new();

        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(User));
    }

    private sealed class TestNavigation : NavigationManager
    {
        public TestNavigation(string uri = "http://localhost/folders/7?q=x") => Initialize("http://localhost/", uri);

        public string? NavigatedTo { get; private set; }

        protected override void NavigateToCore(string uri, NavigationOptions options) => NavigatedTo = ToAbsoluteUri(uri).AbsoluteUri;
    }
}
