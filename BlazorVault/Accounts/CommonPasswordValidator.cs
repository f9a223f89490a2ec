using System.Collections.Frozen;
using Microsoft.AspNetCore.Identity;

namespace BlazorVault.Accounts;

/// <summary>
/// NIST SP 800-63B: no composition rules, but refuse passwords known to be common and the
/// user name itself.
/// </summary>
public sealed class CommonPasswordValidator : IPasswordValidator<VaultUser>
{
    /// <summary>Long enough for any passphrase; bounds the work done on hostile input.</summary>
    public const int MaxLength = 1024;

    private static readonly FrozenSet<string> CommonPasswords = LoadList();

    public Task<IdentityResult> ValidateAsync(UserManager<VaultUser> manager, VaultUser user, string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return Task.FromResult(IdentityResult.Success);
        }

        if (password.Length > MaxLength)
        {
            return Fail("PasswordTooLong", $"Passwords can have at most {MaxLength} characters.");
        }

        if (IsCommon(password))
        {
            return Fail("PasswordTooCommon", "This password is one of the most common ones and is easy to guess. Choose another.");
        }

        if (user.UserName is { } name && string.Equals(password.Trim(), name, StringComparison.OrdinalIgnoreCase))
        {
            return Fail("PasswordIsUserName", "The password must not be your user name.");
        }

        return Task.FromResult(IdentityResult.Success);
    }

    public static bool IsCommon(string password) => CommonPasswords.Contains(password.Trim());

    private static Task<IdentityResult> Fail(string code, string description) =>
        Task.FromResult(IdentityResult.Failed(new IdentityError { Code = code, Description = description }));

    private static FrozenSet<string> LoadList()
    {
        using var stream = typeof(CommonPasswordValidator).Assembly
            .GetManifestResourceStream("BlazorVault.Accounts.common-passwords.txt")
            ?? throw new InvalidOperationException("The common password list is not embedded.");
        using var reader = new StreamReader(stream);
        var words = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            line = line.Trim();
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                words.Add(line);
            }
        }

        return words.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }
}
