using Microsoft.Extensions.Options;

namespace BlazorVault.Data;

/// <summary>Absolute locations inside the data directory, created on first use.</summary>
public sealed class VaultPaths
{
    public VaultPaths(IOptions<VaultOptions> options, IHostEnvironment environment)
    {
        Root = Path.GetFullPath(options.Value.DataDirectory, environment.ContentRootPath);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string DatabaseFile => Path.Combine(Root, "vault.db");

    public string ConnectionString => $"Data Source={DatabaseFile};Foreign Keys=True";

    public string SubDirectory(string name)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }
}
