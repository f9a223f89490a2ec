using System.Security.Claims;
using BlazorVault.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BlazorVault.Tests.Accounts;

/// <summary>The session cookie's decoding, remembered per cookie value, and the security-stamp check asked only when due.</summary>
public sealed class DecodedCookiesTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void ACookieValue_IsDecodedOnce_AndEachRequestGetsItsOwnCopy_UntilTheCookieExpires()
    {
        var inner = new CountingFormat(_clock.GetUtcNow() + TimeSpan.FromMinutes(30));
        var cookies = new DecodedCookies(inner, _clock);

        var first = cookies.Unprotect("cookie-a")!;
        first.Properties.ExpiresUtc = DateTimeOffset.MaxValue;
        var second = cookies.Unprotect("cookie-a")!;

        Assert.Equal(1, inner.Calls);
        Assert.NotSame(first, second);
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromMinutes(30), second.Properties.ExpiresUtc);
        Assert.Null(cookies.Unprotect("cookie-b", purpose: "other"));
        Assert.Equal(2, inner.Calls);

        _clock.Advance(TimeSpan.FromMinutes(31));
        cookies.Unprotect("cookie-a");
        Assert.Equal(3, inner.Calls);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(29, false)]
    [InlineData(31, true)]
    [InlineData(null, true)]
    public async Task TheStampCheck_RunsOnlyWhenItsIntervalHasPassed(int? issuedMinutesAgo, bool runs)
    {
        var services = new ServiceCollection()
            .Configure<SecurityStampValidatorOptions>(o => { o.ValidationInterval = TimeSpan.FromMinutes(30); o.TimeProvider = _clock; })
            .BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services };
        var properties = new AuthenticationProperties { IssuedUtc = _clock.GetUtcNow() - (issuedMinutesAgo is { } m ? TimeSpan.FromMinutes(m) : null) };
        if (issuedMinutesAgo is null)
        {
            properties.IssuedUtc = null;
        }

        var ticket = new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity("test")), properties, "Identity.Application");
        var context = new CookieValidatePrincipalContext(
            http, new AuthenticationScheme("Identity.Application", null, typeof(CookieAuthenticationHandler)), new CookieAuthenticationOptions(), ticket);
        var ran = false;

        await DecodedCookies.WhenStampCheckDue(_ => { ran = true; return Task.CompletedTask; })(context);

        Assert.Equal(runs, ran);
    }

    private sealed class CountingFormat(DateTimeOffset expires) : ISecureDataFormat<AuthenticationTicket>
    {
        public int Calls { get; private set; }

        public string Protect(AuthenticationTicket data) => throw new NotSupportedException();

        public string Protect(AuthenticationTicket data, string? purpose) => throw new NotSupportedException();

        public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

        public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
        {
            Calls++;
            return purpose is null
                ? new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sid", protectedText!)], "test")), new AuthenticationProperties { ExpiresUtc = expires }, "Identity.Application")
                : null;
        }
    }
}
