using System.Text;
using BlazorVault.Accounts.Pages;
using BlazorVault.Accounts.Passkeys;
using BlazorVault.Accounts.TwoFactor;
using Bunit;

namespace BlazorVault.Tests.Accounts;

public sealed class TwoFactorComponentTests : BunitContext
{
    [Fact]
    public void RecoveryCodeList_ShowsEveryCode_AndOffersThemAsATextFile()
    {
        string[] codes = ["ABCDE-12345", "FGHJK-67890", "MNPQR-23456"];

        var cut = Render<RecoveryCodeList>(parameters => parameters.Add(p => p.Codes, codes));

        Assert.Equal(codes, cut.FindAll("li code").Select(code => code.TextContent));
        var download = cut.Find("a[download]");
        Assert.Equal("blazorvault-recovery-codes.txt", download.GetAttribute("download"));
        var text = Uri.UnescapeDataString(download.GetAttribute("href")!["data:text/plain;charset=utf-8,".Length..]);
        Assert.All(codes, code => Assert.Contains(code + "\n", text, StringComparison.Ordinal));
    }

    [Fact]
    public void AuthenticatorKey_ShowsTheQrCodeAsAnImage_AndTheKeyInGroupsOfFour()
    {
        const string key = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        var setup = new AuthenticatorSetup(key, TwoFactorService.GroupKey(key), "otpauth://totp/x", "data:image/svg+xml;base64,PHN2Zy8+");

        var cut = Render<AuthenticatorKey>(parameters => parameters.Add(p => p.Setup, setup));

        Assert.Equal("jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp", cut.Find("[data-testid=manual-key]").TextContent);
        var image = cut.Find("img[data-testid=qr-code]");
        // An image, not inline SVG: the page's style-src would refuse the SVG's style attributes.
        Assert.StartsWith("data:image/svg+xml;base64,", image.GetAttribute("src"), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(image.GetAttribute("alt")));
        Assert.Empty(cut.FindAll("svg"));
    }

    [Theory]
    [InlineData("ABCDEFGHIJK", "abcd efgh ijk")]
    [InlineData("ABCD", "abcd")]
    public void GroupKey_SplitsIntoFours(string key, string grouped) => Assert.Equal(grouped, TwoFactorService.GroupKey(key));

    [Fact]
    public void PasskeyForm_HasTheHiddenFieldsTheScriptFills()
    {
        var cut = Render<PasskeyForm>(parameters => parameters.Add(p => p.Prefix, "AddInput"));

        Assert.Equal("AddInput.CredentialJson", cut.Find("input[data-passkey-credential]").GetAttribute("name"));
        Assert.Equal("AddInput.Error", cut.Find("input[data-passkey-error]").GetAttribute("name"));
    }

    [Theory]
    [InlineData("NotAllowedError", "cancelled or timed out")]
    [InlineData("Unsupported", "cannot use passkeys")]
    [InlineData("<script>alert(1)</script>", "did not work")]
    [InlineData(null, "did not work")]
    public void PasskeyAnswer_SaysOnlyKnownBrowserErrors(string? error, string said)
    {
        var answer = new PasskeyAnswer { Error = error };

        Assert.Contains(said, answer.BrowserFailure, StringComparison.Ordinal);
    }

    [Fact]
    public void PasskeyAnswer_WithACredential_IsNoFailure() =>
        Assert.Null(new PasskeyAnswer { CredentialJson = "{}", Error = "NotAllowedError" }.BrowserFailure);
}

/// <summary>The app's TOTP against RFC 6238's own test values (appendix B, SHA-1, last six digits).</summary>
public sealed class TotpTests
{
    private static readonly byte[] RfcKey = Encoding.ASCII.GetBytes("12345678901234567890");

    [Theory]
    [InlineData(59, 287082)]
    [InlineData(1111111109, 81804)]
    [InlineData(1111111111, 50471)]
    [InlineData(1234567890, 5924)]
    [InlineData(2000000000, 279037)]
    public void Compute_MatchesTheRfcTestVectors(long unixSeconds, int expected) =>
        Assert.Equal(expected, Totp.Compute(RfcKey, Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixSeconds))));

    [Fact]
    public void MatchingStep_AcceptsOneStepEitherSide_AndSaysWhichStep()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_015);
        var step = Totp.StepAt(now);
        string CodeOf(long s) => Totp.Compute(RfcKey, s).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(step, Totp.MatchingStep(RfcKey, CodeOf(step), now));
        Assert.Equal(step - 1, Totp.MatchingStep(RfcKey, CodeOf(step - 1), now));
        Assert.Equal(step + 1, Totp.MatchingStep(RfcKey, CodeOf(step + 1), now));
        Assert.Null(Totp.MatchingStep(RfcKey, CodeOf(step - 2), now));
        Assert.Null(Totp.MatchingStep(RfcKey, CodeOf(step + 2), now));
        // As people type or paste it.
        Assert.Equal(step, Totp.MatchingStep(RfcKey, CodeOf(step)[..3] + " " + CodeOf(step)[3..], now));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12345a")]
    [InlineData("١٢٣٤٥٦")]
    public void Normalize_RefusesWhatIsNotSixDigits(string code) => Assert.Null(Totp.Normalize(code));

    [Fact]
    public void Base32_DecodesWhatAuthenticatorAppsRead() =>
        Assert.Equal("Hello!\u00de\u00ad\u00be\u00ef", Encoding.Latin1.GetString(Base32.Decode("jbsw y3dp ehpk 3pxp")!));
}
