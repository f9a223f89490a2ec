using System.Buffers.Binary;
using System.Security.Cryptography;

namespace BlazorVault.Accounts.TwoFactor;

/// <summary>
/// RFC 6238 time-based one-time passwords as authenticator apps make them: HMAC-SHA1, 30-second steps,
/// six digits. Identity's own implementation is internal and checks 90 seconds either way against the
/// machine clock; this one takes the clock and the window, and says which step matched.
/// </summary>
public static class Totp
{
    public const int Digits = 6;

    public static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    /// <summary>Steps accepted either side of now: one, so a code typed just as it changed still works (RFC 6238 §5.2).</summary>
    public const int Window = 1;

    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / (long)Step.TotalSeconds;

    public static int Compute(ReadOnlySpan<byte> key, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[HMACSHA1.HashSizeInBytes];
        HMACSHA1.HashData(key, counter, hash);
        // Dynamic truncation (RFC 4226 §5.3).
        var offset = hash[^1] & 0x0f;
        var binary = (BinaryPrimitives.ReadInt32BigEndian(hash[offset..]) & 0x7fffffff);
        return binary % 1_000_000;
    }

    /// <summary>The step within the window whose code is <paramref name="code"/>, or null.</summary>
    public static long? MatchingStep(ReadOnlySpan<byte> key, string code, DateTimeOffset now)
    {
        if (Normalize(code) is not { } value)
        {
            return null;
        }

        var current = StepAt(now);
        for (var step = current - Window; step <= current + Window; step++)
        {
            // Every candidate is computed, so the time taken says nothing about which one matched.
            if (CryptographicOperations.FixedTimeEquals(
                BitConverter.GetBytes(Compute(key, step)), BitConverter.GetBytes(value)))
            {
                return step;
            }
        }

        return null;
    }

    /// <summary>Six digits, with the spaces and dashes people type or paste removed; null when it is not that.</summary>
    public static int? Normalize(string? code)
    {
        var digits = (code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (digits.Length != Digits || !digits.All(char.IsAsciiDigit))
        {
            return null;
        }

        return int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>RFC 4648 base32, the alphabet authenticator keys are written in (no padding).</summary>
public static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static byte[]? Decode(string text)
    {
        var clean = text.Replace(" ", "", StringComparison.Ordinal).TrimEnd('=').ToUpperInvariant();
        var bytes = new List<byte>(clean.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in clean)
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                return null;
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }

        return [.. bytes];
    }
}
