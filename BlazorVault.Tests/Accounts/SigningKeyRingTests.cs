using System.Diagnostics.Metrics;
using BlazorVault.Accounts;
using BlazorVault.Data;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BlazorVault.Tests.Accounts;

/// <summary>
/// Two rings on one database stand for two app processes (a suite with separate OS processes exists
/// elsewhere); the fake clock makes the refresh and throttle intervals exact.
/// </summary>
public abstract class SigningKeyRingTests(DatabaseProvider provider) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
    private FilesTestBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await FilesTestBed.CreateAsync(clock: _clock, provider: provider);

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    private async Task<SigningKeyRing> StartRingAsync(string purpose = "test")
    {
        var ring = new SigningKeyRing(
            purpose,
            _bed.Services.GetRequiredService<IDbContextFactory<VaultDbContext>>(),
            _clock,
            NullLogger<SigningKeyRing>.Instance,
            _bed.Services.GetRequiredService<IMeterFactory>());
        await ring.InitializeAsync();
        return ring;
    }

    private async Task<List<SigningKey>> RowsAsync(string purpose = "test")
    {
        await using var db = await _bed.Services.GetRequiredService<IDbContextFactory<VaultDbContext>>().CreateDbContextAsync();
        return await db.SigningKeys.Where(k => k.Purpose == purpose).ToListAsync();
    }

    [Fact]
    public async Task Start_OnAnEmptyTable_CreatesOneKeyThatTheNextInstanceUsesToo()
    {
        var first = await StartRingAsync();
        var second = await StartRingAsync();

        var row = Assert.Single(await RowsAsync());
        Assert.Equal(row.Id, first.Current.KeyId);
        Assert.Equal(row.Id, second.Current.KeyId);
        Assert.Equal(Convert.FromBase64String(row.Secret), second.Current.Key);
    }

    [Fact]
    public async Task Start_OfManyInstancesAtOnce_LeavesKeysThatEveryInstanceSignsAndValidatesAlike()
    {
        var rings = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => StartRingAsync())));

        // The conditional insert should leave one key; if two raced past it, all must still agree.
        var rows = await RowsAsync();
        Assert.NotEmpty(rows);
        Assert.Single(rings.Select(r => r.Current.KeyId).Distinct());
        Assert.All(rings, r => Assert.Equal(rows.Select(k => k.Id).Order(), r.ValidationKeys.Select(k => k.KeyId).Order()));
    }

    [Fact]
    public async Task Current_AfterAnotherInstanceRotates_IsTheNewKeyOnceTheRefreshIntervalHasPassed()
    {
        var rotating = await StartRingAsync();
        var other = await StartRingAsync();
        var old = other.Current.KeyId;

        rotating.Rotate(TimeSpan.FromHours(1));
        _clock.Advance(SigningKeyRing.RefreshInterval - TimeSpan.FromSeconds(1));
        Assert.Equal(old, other.Current.KeyId);

        _clock.Advance(TimeSpan.FromSeconds(1));
        // The refresh runs beside the caller, which the cached key serves meanwhile.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (other.Current.KeyId == old && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.NotEqual(old, rotating.Current.KeyId);
        Assert.Equal(rotating.Current.KeyId, other.Current.KeyId);
        Assert.Contains(other.ValidationKeys, k => k.KeyId == old);
    }

    [Fact]
    public async Task ValidationKeysFor_AKidMadeByAnotherInstance_ReloadsAndFindsIt()
    {
        var rotating = await StartRingAsync();
        var other = await StartRingAsync();

        rotating.Rotate(TimeSpan.FromHours(1));
        var fresh = rotating.Current.KeyId!;

        Assert.DoesNotContain(other.ValidationKeys, k => k.KeyId == fresh);
        Assert.Contains(other.ValidationKeysFor(fresh), k => k.KeyId == fresh);
    }

    [Fact]
    public async Task ValidationKeysFor_UnknownKids_ReloadsAtMostOncePerThrottleInterval()
    {
        using var reloads = new MetricCollector<long>(
            _bed.Services.GetRequiredService<IMeterFactory>(), SigningKeyRing.MeterName, SigningKeyRing.ReloadsInstrument);
        var rotating = await StartRingAsync();
        var other = await StartRingAsync();
        long UnknownKeyReloads() => reloads.GetMeasurementSnapshot()
            .Where(m => Equals(m.Tags["reason"], "unknown-key"))
            .Sum(m => m.Value);

        for (var i = 0; i < 50; i++)
        {
            Assert.DoesNotContain(other.ValidationKeysFor("forged-" + i), k => k.KeyId == "forged-" + i);
        }

        Assert.Equal(1, UnknownKeyReloads());

        // Within the same second even a real new key waits: the throttle does not know which kids are forged.
        rotating.Rotate(TimeSpan.FromHours(1));
        var fresh = rotating.Current.KeyId!;
        Assert.DoesNotContain(other.ValidationKeysFor(fresh), k => k.KeyId == fresh);
        Assert.Equal(1, UnknownKeyReloads());

        _clock.Advance(SigningKeyRing.UnknownKeyReloadInterval);
        Assert.Contains(other.ValidationKeysFor(fresh), k => k.KeyId == fresh);
        Assert.Equal(2, UnknownKeyReloads());
    }

    [Fact]
    public async Task Rotate_RetiresTheOldKeyByRowAndDeletesItOnceItsRetentionHasPassed()
    {
        var ring = await StartRingAsync();
        var first = ring.Current.KeyId;

        ring.Rotate(TimeSpan.FromDays(1));
        var rows = await RowsAsync();
        Assert.Equal(_clock.GetUtcNow().AddDays(1), rows.Single(k => k.Id == first).RetireAfter);
        Assert.Null(rows.Single(k => k.Id == ring.Current.KeyId).RetireAfter);

        _clock.Advance(TimeSpan.FromDays(1));
        Assert.DoesNotContain(ring.ValidationKeys, k => k.KeyId == first);
        ring.Rotate(TimeSpan.FromDays(1));
        Assert.DoesNotContain(await RowsAsync(), k => k.Id == first);
    }

    [Fact]
    public async Task Keys_OfOnePurpose_NeverValidateAnother()
    {
        var api = await StartRingAsync("api-test");
        var share = await StartRingAsync("share-test");

        Assert.NotEqual(api.Current.KeyId, share.Current.KeyId);
        Assert.DoesNotContain(share.ValidationKeysFor(api.Current.KeyId), k => k.KeyId == api.Current.KeyId);
    }

    public sealed class OnSqlite() : SigningKeyRingTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : SigningKeyRingTests(DatabaseProvider.PostgreSql);
}
