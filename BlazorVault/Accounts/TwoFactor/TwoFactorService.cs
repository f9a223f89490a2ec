using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using QRCoder;

namespace BlazorVault.Accounts.TwoFactor;

/// <summary>What the two-factor page shows while an authenticator app is being set up.</summary>
public sealed record AuthenticatorSetup(string Key, string GroupedKey, string Uri, string QrCodeDataUrl);

/// <summary>
/// Two-factor sign-in with an authenticator app, on Identity's own machinery (authenticator key,
/// recovery codes, the two-factor cookies). Changes that replace the security stamp (a new key,
/// turning it on or off) end the user's other sessions and API tokens; the current session is renewed.
/// </summary>
public sealed class TwoFactorService(
    UserManager<VaultUser> users,
    SignInManager<VaultUser> signIn,
    IHttpContextAccessor http,
    TimeProvider clock)
{
    public const int RecoveryCodeCount = 10;
    public const string Issuer = "BlazorVault";
    private const string ForgottenAtName = "RememberedBrowsersForgottenAt";

    /// <summary>A new key (the old one stops working) to show as a QR code and as text.</summary>
    public async Task<AuthenticatorSetup> StartSetupAsync(VaultUser user)
    {
        await users.ResetAuthenticatorKeyAsync(user);
        await signIn.RefreshSignInAsync(user);
        return (await CurrentSetupAsync(user))!;
    }

    /// <summary>The key being set up, or null when none was made.</summary>
    public async Task<AuthenticatorSetup?> CurrentSetupAsync(VaultUser user)
    {
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        var name = await users.GetUserNameAsync(user) ?? user.Id;
        var uri = string.Create(CultureInfo.InvariantCulture,
            $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(name)}?secret={key}&issuer={Uri.EscapeDataString(Issuer)}&digits={Totp.Digits}");
        return new AuthenticatorSetup(key, GroupKey(key), uri, QrCodeDataUrl(uri));
    }

    /// <summary>Turns two-factor sign-in on when <paramref name="code"/> is the app's current code; returns the new recovery codes, or null.</summary>
    public async Task<IReadOnlyList<string>?> EnableAsync(VaultUser user, string code)
    {
        if (string.IsNullOrEmpty(await users.GetAuthenticatorKeyAsync(user))
            || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            return null;
        }

        await users.SetTwoFactorEnabledAsync(user, true);
        await ForgetBrowsersAsync(user);
        await signIn.RefreshSignInAsync(user);
        return await NewRecoveryCodesAsync(user);
    }

    public async Task<IReadOnlyList<string>> NewRecoveryCodesAsync(VaultUser user) =>
        [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount) ?? []];

    /// <summary>Turns it off: the key goes (a new setup makes a new one) and so do the recovery codes and remembered browsers.</summary>
    public async Task DisableAsync(VaultUser user)
    {
        await users.SetTwoFactorEnabledAsync(user, false);
        // The names Identity's user store keeps both under (TwoFactorPageTests checks that they go).
        await users.RemoveAuthenticationTokenAsync(user, "[AspNetUserStore]", "AuthenticatorKey");
        await users.RemoveAuthenticationTokenAsync(user, "[AspNetUserStore]", "RecoveryCodes");
        await ForgetBrowsersAsync(user);
        await signIn.RefreshSignInAsync(user);
    }

    /// <summary>Every browser that was told to remember this account asks for a code again, this one included.</summary>
    public async Task ForgetBrowsersAsync(VaultUser user)
    {
        // Cookies carry their issue time in whole seconds; one issued in this second is forgotten too.
        var now = DateTimeOffset.FromUnixTimeSeconds(clock.GetUtcNow().ToUnixTimeSeconds());
        await users.SetAuthenticationTokenAsync(user, AuthenticatorCodes.LoginProvider, ForgottenAtName,
            now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        await signIn.ForgetTwoFactorClientAsync();
    }

    /// <summary>Whether this browser was told to remember <paramref name="user"/> after a code, since browsers were last forgotten.</summary>
    public async Task<bool> IsBrowserRememberedAsync(VaultUser user)
    {
        var context = http.HttpContext;
        if (context is null || !await signIn.IsTwoFactorClientRememberedAsync(user))
        {
            return false;
        }

        var remembered = await context.AuthenticateAsync(IdentityConstants.TwoFactorRememberMeScheme);
        var forgotten = await users.GetAuthenticationTokenAsync(user, AuthenticatorCodes.LoginProvider, ForgottenAtName);
        if (forgotten is null)
        {
            return true;
        }

        var forgottenAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(forgotten, CultureInfo.InvariantCulture));
        return remembered.Properties?.IssuedUtc is { } issued && issued > forgottenAt;
    }

    /// <summary>
    /// After the password: the intermediate two-factor cookie that lets the code step find the user
    /// (the shape <see cref="SignInManager{TUser}"/> reads back in its two-factor sign-ins).
    /// </summary>
    public async Task BeginCodeStepAsync(VaultUser user)
    {
        var identity = new ClaimsIdentity(IdentityConstants.TwoFactorUserIdScheme);
        identity.AddClaim(new Claim(ClaimTypes.Name, await users.GetUserIdAsync(user)));
        await http.HttpContext!.SignInAsync(IdentityConstants.TwoFactorUserIdScheme, new ClaimsPrincipal(identity));
    }

    /// <summary>"ABCD EFGH ...": easier to read out and type.</summary>
    public static string GroupKey(string key)
    {
        var grouped = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            grouped.Append(grouped.Length > 0 ? " " : "").Append(key.AsSpan(i, Math.Min(4, key.Length - i)));
        }

        return grouped.ToString().ToLowerInvariant();
    }

    // An image, not inline SVG markup: the strict style-src would refuse the SVG's own style attributes.
    private static string QrCodeDataUrl(string uri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(data).GetGraphic(5);
        return "data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(svg));
    }
}
