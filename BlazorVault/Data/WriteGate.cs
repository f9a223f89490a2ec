namespace BlazorVault.Data;

/// <summary>
/// On SQLite, the writes of hot paths (a limited link's count, the batched counters) take turns in this
/// process before they take the database's write lock. The database still decides (a second process
/// is arbitrated by SQLite's own lock); the gate only keeps this process's writers from colliding there,
/// where the loser sleeps in busy retries (see LeanSqliteConnection.BusyTimeout) instead of simply waiting its turn. On
/// PostgreSQL, which locks rows, not the database, it lets everyone through.
/// </summary>
public sealed class WriteGate(VaultDatabase database)
{
    private readonly SemaphoreSlim? _turn = database.Provider == DatabaseProvider.Sqlite ? new(1, 1) : null;

    public async ValueTask<Turn> EnterAsync(CancellationToken cancellationToken = default)
    {
        if (_turn is null)
        {
            return default;
        }

        await _turn.WaitAsync(cancellationToken);
        return new Turn(_turn);
    }

    public readonly struct Turn(SemaphoreSlim? turn) : IDisposable
    {
        public void Dispose() => turn?.Release();
    }
}
