using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;

namespace BlazorVault.Accounts;

/// <summary>
/// HMAC-SHA256 signing keys for one purpose (API access tokens, share links), kept in the database so
/// that every app process on it signs and validates with the same keys, and tokens survive restarts.
/// The newest key signs; every key not yet retired validates, so a rotation does not end tokens signed
/// before it. Keys are cached in memory, but the cache never decides alone: a token naming a key the
/// cache does not know makes it reload (at most once a second), and it refreshes every minute.
/// </summary>
public sealed class SigningKeyRing(
    string purpose,
    IDbContextFactory<VaultDbContext> dbs,
    TimeProvider clock,
    ILogger<SigningKeyRing> logger,
    IMeterFactory meters,
    string? legacyFile = null)
{
    public const string MeterName = "BlazorVault.Accounts";
    public const string ReloadsInstrument = "blazorvault.signing_keys.reloads";

    /// <summary>How stale the cache may get before a rotation made by another process is used for signing here.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);

    /// <summary>The least time between two reloads asked for by tokens naming an unknown key.</summary>
    public static readonly TimeSpan UnknownKeyReloadInterval = TimeSpan.FromSeconds(1);

    private const int KeyBytes = 32;

    // pg_advisory_xact_lock's first key for rotations (the second is the purpose): a constant used for nothing else.
    private const int RotationLockKey = 0x6b657973; // "keys"


    private readonly Counter<long> _reloads = meters.Create(MeterName).CreateCounter<long>(
        ReloadsInstrument, description: "Signing key ring loads from the database, by purpose and reason.");
    private readonly Lock _unknownKeyGate = new();
    private Snapshot? _snapshot;
    private DateTimeOffset _lastUnknownKeyReload = DateTimeOffset.MinValue;
    private int _refreshing;

    /// <summary>The key that signs new tokens: the newest one not retired.</summary>
    public SymmetricSecurityKey Current => Cached().Signing;

    /// <summary>Every key a token may have been signed with, as far as the cache knows.</summary>
    public IReadOnlyList<SecurityKey> ValidationKeys => Cached().Validating(clock.GetUtcNow());

    /// <summary>
    /// The keys to check a token naming <paramref name="kid"/> against. A kid the cache does not know may
    /// be a key another process made since the last refresh, so the ring reloads first (throttled).
    /// </summary>
    public IReadOnlyList<SecurityKey> ValidationKeysFor(string? kid)
    {
        var snapshot = Cached();
        if (kid is not null && !snapshot.Knows(kid))
        {
            snapshot = ReloadForUnknownKey(kid);
        }

        return snapshot.Validating(clock.GetUtcNow());
    }

    /// <summary>
    /// Makes sure the database holds a key for this purpose (importing the pre-database key file, else
    /// creating one), then loads the ring. Runs at start, before any token is signed or checked.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var legacy = LegacySigningKeyFile.Read(legacyFile, purpose);
        var inserted = await InsertIfNoneAsync(db, legacy.Count > 0 ? legacy : [NewKey(clock.GetUtcNow())], cancellationToken);
        if (inserted > 0 && legacy.Count > 0)
        {
            logger.LogInformation("Imported {Count} {Purpose} signing keys from {File}", inserted, purpose, legacyFile);
        }
        else if (inserted > 0)
        {
            logger.LogInformation("Created the first {Purpose} signing key", purpose);
        }

        Publish(await Query(db).ToListAsync(cancellationToken), "start");
    }

    /// <summary>
    /// Starts signing with a new key, here and (within <see cref="RefreshInterval"/>) in every other process.
    /// A replaced key keeps validating for <paramref name="retainFor"/> (the longest lifetime of a token it
    /// signed), then goes.
    /// </summary>
    public void Rotate(TimeSpan retainFor)
    {
        var now = clock.GetUtcNow();
        using var db = dbs.CreateDbContext();
        // One rotation at a time, so that two at once retire each other's keys in turn rather than both
        // leaving a signing key: SQLite has one writer (the later one fails busy if it read first);
        // PostgreSQL reads committed rows per statement, so the rotation takes a lock for its transaction first.
        using (var transaction = db.Database.BeginTransaction())
        {
            if (db.Database.IsNpgsql())
            {
                db.Database.ExecuteSql($"SELECT pg_advisory_xact_lock({RotationLockKey}, hashtext({purpose}))");
            }

            foreach (var key in db.SigningKeys.Where(k => k.Purpose == purpose).ToList())
            {
                if (key.RetireAfter is null)
                {
                    key.RetireAfter = now + retainFor;
                }
                else if (key.RetireAfter <= now)
                {
                    db.SigningKeys.Remove(key);
                }
            }

            db.SigningKeys.Add(NewKey(now));
            db.SaveChanges();
            transaction.Commit();
        }

        Publish(Query(db).ToList(), "rotation");
    }

    private Snapshot Cached()
    {
        var snapshot = Volatile.Read(ref _snapshot)
            ?? throw new InvalidOperationException($"The '{purpose}' signing key ring was used before InitializeAsync loaded it.");
        if (clock.GetUtcNow() - snapshot.LoadedAt >= RefreshInterval && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
        {
            // Meanwhile the cached keys serve: a token from a newer key reloads on its own.
            _ = Task.Run(() => RefreshAsync(snapshot));
        }

        return snapshot;
    }

    private async Task RefreshAsync(Snapshot stale)
    {
        try
        {
            await using var db = await dbs.CreateDbContextAsync();
            Publish(await Query(db).ToListAsync(), "refresh");
        }
        catch (Exception e)
        {
            // Not every request should retry a database that just failed: try again after another interval.
            logger.LogWarning(e, "Could not refresh the {Purpose} signing keys; the cached ones serve meanwhile", purpose);
            Interlocked.CompareExchange(ref _snapshot, stale with { LoadedAt = clock.GetUtcNow() }, stale);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private Snapshot ReloadForUnknownKey(string kid)
    {
        lock (_unknownKeyGate)
        {
            // Another request may have reloaded while this one waited.
            var snapshot = Volatile.Read(ref _snapshot)!;
            var now = clock.GetUtcNow();
            // Anyone can send a token naming any kid: unthrottled, each would cost a query.
            if (snapshot.Knows(kid) || now - _lastUnknownKeyReload < UnknownKeyReloadInterval)
            {
                return snapshot;
            }

            _lastUnknownKeyReload = now;
            try
            {
                // Synchronous because the token handler's key resolver is; rare and throttled.
                using var db = dbs.CreateDbContext();
                return Publish([.. Query(db)], "unknown-key");
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Could not reload the {Purpose} signing keys for an unknown key id", purpose);
                return snapshot;
            }
        }
    }

    private IQueryable<SigningKey> Query(VaultDbContext db) => db.SigningKeys.AsNoTracking().Where(k => k.Purpose == purpose);

    private Snapshot Publish(List<SigningKey> keys, string reason)
    {
        _reloads.Add(1, new("purpose", purpose), new("reason", reason));
        if (keys.Count == 0)
        {
            // Rows deleted by hand: keep what signed until now rather than sign with nothing.
            var previous = Volatile.Read(ref _snapshot)
                ?? throw new InvalidOperationException($"The database holds no '{purpose}' signing key.");
            logger.LogWarning("The database holds no {Purpose} signing key; the cached ones serve", purpose);
            return previous;
        }

        // Keys that may sign last, newest last; a tie (two processes' first keys) breaks the same way everywhere.
        var entries = keys
            .OrderBy(k => k.RetireAfter is null)
            .ThenBy(k => k.CreatedAt)
            .ThenBy(k => k.Id, StringComparer.Ordinal)
            .Select(k => new Entry(k.Id, k.RetireAfter, new SymmetricSecurityKey(Convert.FromBase64String(k.Secret)) { KeyId = k.Id }));
        var snapshot = new Snapshot([.. entries], clock.GetUtcNow());
        Volatile.Write(ref _snapshot, snapshot);
        return snapshot;
    }

    /// <summary>
    /// Inserts <paramref name="keys"/> only when no key of this purpose exists, in one statement: two
    /// processes starting on an empty table converge on the first one's keys. Should both still insert,
    /// both keys validate everywhere and the same one signs.
    /// </summary>
    private async Task<int> InsertIfNoneAsync(VaultDbContext db, IReadOnlyList<SigningKey> keys, CancellationToken cancellationToken)
    {
        var parameters = new List<object> { purpose };
        var rows = new List<string>();
        foreach (var key in keys)
        {
            rows.Add("({" + parameters.Count + "}, {0}, {" + (parameters.Count + 1) + "}, {" + (parameters.Count + 2) + "})");
            parameters.AddRange([key.Id, key.CreatedAt, key.Secret]);
        }

        var sql = "INSERT INTO \"" + SigningKeyConfiguration.Table + "\" (\"Id\", \"Purpose\", \"CreatedAt\", \"Secret\") "
            + "SELECT column1, column2, column3, column4 FROM (VALUES " + string.Join(", ", rows) + ") AS candidate "
            + "WHERE NOT EXISTS (SELECT 1 FROM \"" + SigningKeyConfiguration.Table + "\" WHERE \"Purpose\" = {0})";
        return await db.Database.ExecuteSqlRawAsync(sql, parameters, cancellationToken);
    }

    private SigningKey NewKey(DateTimeOffset now) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Purpose = purpose,
        CreatedAt = now,
        Secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes)),
    };

    private sealed record Entry(string Id, DateTimeOffset? RetireAfter, SymmetricSecurityKey Key);

    private sealed record Snapshot(ImmutableArray<Entry> Entries, DateTimeOffset LoadedAt)
    {
        public SymmetricSecurityKey Signing => Entries[^1].Key;

        public bool Knows(string kid) => Entries.Any(e => e.Id == kid);

        public IReadOnlyList<SecurityKey> Validating(DateTimeOffset now) =>
            [.. Entries.Where(e => e.RetireAfter is null || e.RetireAfter > now).Select(e => e.Key)];
    }
}

public static class SigningKeyRingExtensions
{
    /// <summary>
    /// A key ring for tokens of one audience, its keys in the database under that audience: one purpose's
    /// keys never sign another's tokens. Loaded at start; a key file from before the database held keys
    /// (<c>&lt;DataDirectory&gt;/keys/&lt;audience&gt;-signing-keys.json</c>) is imported once.
    /// </summary>
    public static IServiceCollection AddSigningKeyRing(this IServiceCollection services, string audience)
    {
        services.AddKeyedSingleton(audience, (sp, _) => new SigningKeyRing(
            audience,
            sp.GetRequiredService<IDbContextFactory<VaultDbContext>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SigningKeyRing>>(),
            sp.GetRequiredService<IMeterFactory>(),
            LegacySigningKeyFile.PathFor(sp.GetRequiredService<VaultPaths>(), audience)));
        // Not AddHostedService: it would keep one loader per implementation type, not one per ring.
        services.AddSingleton<IHostedService>(sp => new SigningKeyRingLoader(sp.GetRequiredKeyedService<SigningKeyRing>(audience)));
        return services;
    }

    // Hosted services start after the database is migrated and before the server takes requests.
    private sealed class SigningKeyRingLoader(SigningKeyRing ring) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => ring.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
