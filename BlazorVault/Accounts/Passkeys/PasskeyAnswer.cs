using System.ComponentModel.DataAnnotations;

namespace BlazorVault.Accounts.Passkeys;

/// <summary>What a passkey form posts: the authenticator's answer as JSON, or why the browser gave none.</summary>
public class PasskeyAnswer
{
    [StringLength(64 * 1024)]
    public string? CredentialJson { get; set; }

    /// <summary>The name of the browser's error (a DOMException name, or <c>Unsupported</c>).</summary>
    [StringLength(100)]
    public string? Error { get; set; }

    /// <summary>The message for a browser-side failure (cancelled, no passkey, no support), or null when an answer came.</summary>
    public string? BrowserFailure => string.IsNullOrEmpty(CredentialJson) ? Describe(Error) : null;

    // Only known names are said back; the browser's own text is not shown.
    private static string Describe(string? error) => error switch
    {
        "NotAllowedError" or "AbortError" => "The passkey request was cancelled or timed out.",
        "InvalidStateError" => "That authenticator already holds a passkey for this account.",
        "Unsupported" => "This browser cannot use passkeys.",
        "SecurityError" => "Passkeys need this site to be opened by its domain name over HTTPS (or on localhost).",
        _ => "The passkey did not work. Try again.",
    };
}
