namespace BlazorVault.Data;

/// <summary>
/// This process's id among the app instances that share one database and data directory: it names
/// this instance's scratch folder and its liveness lease (<see cref="InstanceHeartbeat"/>).
/// </summary>
public sealed class InstanceIdentity
{
    public string Id { get; } = Guid.NewGuid().ToString("N");
}
