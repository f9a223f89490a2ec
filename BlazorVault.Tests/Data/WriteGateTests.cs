using BlazorVault.Data;

namespace BlazorVault.Tests.Data;

public sealed class WriteGateTests
{
    [Fact]
    public async Task OnSqlite_OneWriterAtATime_TheNextGoesWhenTheFirstIsDone()
    {
        var gate = new WriteGate(new VaultDatabase(DatabaseProvider.Sqlite, null));

        var first = await gate.EnterAsync(TestContext.Current.CancellationToken);
        var second = gate.EnterAsync(TestContext.Current.CancellationToken).AsTask();
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.False(second.IsCompleted);

        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).Dispose();
    }

    [Fact]
    public async Task OnPostgreSql_LetsEveryoneThrough()
    {
        var gate = new WriteGate(new VaultDatabase(DatabaseProvider.PostgreSql, "Host=unused"));

        using var first = await gate.EnterAsync(TestContext.Current.CancellationToken);
        var second = gate.EnterAsync(TestContext.Current.CancellationToken);

        Assert.True(second.IsCompleted);
    }
}
