using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.Admin;

/// <summary>A bad admin-area setting stops the app at start, naming the setting.</summary>
public sealed class AdminSettingsTests
{
    [Theory]
    [InlineData("Sometimes")]
    [InlineData("7")]
    public void UnknownRegistrationMode_StopsTheStart(string mode)
    {
        var refused = Assert.ThrowsAny<Exception>(() => new VaultApp(settings: new Dictionary<string, string?>
        {
            ["Vault:Registration:Mode"] = mode,
        }));

        Assert.Contains("Vault:Registration:Mode", Flatten(refused), StringComparison.Ordinal);
    }

    private static string Flatten(Exception e) =>
        e is AggregateException all ? string.Join(" | ", all.InnerExceptions.Select(Flatten)) : e.Message + (e.InnerException is { } inner ? " | " + Flatten(inner) : "");
}
