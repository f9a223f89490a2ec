using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using BlazorVault.Data;
using Microsoft.IdentityModel.Tokens;

namespace BlazorVault.Accounts;

/// <summary>
/// HMAC-SHA256 signing keys for one purpose (API access tokens, share links), persisted in the
/// data directory so tokens survive restarts. The newest key signs; every key still in the ring
/// validates, so a rotation does not end tokens signed before it.
/// </summary>
public sealed class SigningKeyRing
{
    private const int KeyBytes = 32;
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private readonly string _file;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private ImmutableArray<StoredKey> _keys;

    public SigningKeyRing(string file, TimeProvider clock)
    {
        _file = file;
        _clock = clock;
        _keys = Load();
        if (_keys.IsEmpty)
        {
            _keys = [NewKey()];
            Save(_keys);
        }
    }

    /// <summary>The key that signs new tokens: the newest one.</summary>
    public SymmetricSecurityKey Current => ToSecurityKey(_keys[^1]);

    /// <summary>Every key a token may have been signed with.</summary>
    public IReadOnlyList<SecurityKey> ValidationKeys => [.. _keys.Select(ToSecurityKey)];

    /// <summary>
    /// Starts signing with a new key. A retired key keeps validating for <paramref name="retainFor"/>
    /// after the rotation that replaced it (the longest lifetime of a token it signed), then goes.
    /// </summary>
    public void Rotate(TimeSpan retainFor)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            var next = NewKey();
            var kept = _keys
                .Select((key, i) => (key, retiredAt: i + 1 < _keys.Length ? _keys[i + 1].CreatedAt : now))
                .Where(k => k.retiredAt + retainFor > now)
                .Select(k => k.key);
            var keys = ImmutableArray.CreateRange(kept).Add(next);
            Save(keys);
            _keys = keys;
        }
    }

    private StoredKey NewKey() =>
        new(Guid.NewGuid().ToString("N"), _clock.GetUtcNow(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes)));

    private static SymmetricSecurityKey ToSecurityKey(StoredKey key) =>
        new(Convert.FromBase64String(key.Secret)) { KeyId = key.Id };

    private ImmutableArray<StoredKey> Load()
    {
        if (!File.Exists(_file))
        {
            return [];
        }

        using var stream = File.OpenRead(_file);
        var keys = JsonSerializer.Deserialize<List<StoredKey>>(stream, JsonOptions)
            ?? throw new InvalidDataException($"The signing key file '{_file}' is empty.");
        return [.. keys.OrderBy(k => k.CreatedAt)];
    }

    private void Save(ImmutableArray<StoredKey> keys)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
        var temp = _file + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(stream.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            JsonSerializer.Serialize(stream, keys, JsonOptions);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, _file, overwrite: true);
    }

    private sealed record StoredKey(string Id, DateTimeOffset CreatedAt, string Secret);
}

public static class SigningKeyRingExtensions
{
    /// <summary>
    /// A key ring for tokens of one audience, keyed by that audience and kept in
    /// <c>&lt;DataDirectory&gt;/keys/&lt;audience&gt;-signing-keys.json</c>: one purpose's keys never sign another's tokens.
    /// </summary>
    public static IServiceCollection AddSigningKeyRing(this IServiceCollection services, string audience) =>
        services.AddKeyedSingleton(audience, (sp, _) => new SigningKeyRing(
            Path.Combine(sp.GetRequiredService<VaultPaths>().SubDirectory("keys"), $"{audience}-signing-keys.json"),
            sp.GetRequiredService<TimeProvider>()));
}
