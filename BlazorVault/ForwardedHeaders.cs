using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace BlazorVault;

/// <summary>
/// Behind a reverse proxy: the client's address, scheme and host as the proxy saw them
/// (<c>X-Forwarded-For</c>/<c>-Proto</c>/<c>-Host</c>), believed only from the proxies in <c>Vault:Proxy</c>.
/// Unset, that is loopback alone (ASP.NET Core's default: a proxy on the same machine, as in deploy/nginx.conf);
/// set, exactly the listed addresses and networks (add loopback again if a local proxy stays in front).
/// Rate limits, resume grants and logs then see the real client address, and share links the public host.
/// </summary>
public static class ForwardedHeaders
{
    public static IServiceCollection AddVaultForwardedHeaders(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<VaultOptions>>((forwarded, vault) =>
        {
            forwarded.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor
                | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto
                | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedHost;
            var proxy = vault.Value.Proxy;
            if (proxy.KnownProxies.Length > 0 || proxy.KnownNetworks.Length > 0)
            {
                forwarded.KnownProxies.Clear();
                forwarded.KnownIPNetworks.Clear();
                foreach (var address in proxy.KnownProxies)
                {
                    forwarded.KnownProxies.Add(IPAddress.Parse(address));
                }

                foreach (var network in proxy.KnownNetworks)
                {
                    forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
                }
            }

            // Every hop is checked against the trusted list: with no fixed limit a chain of trusted proxies
            // (a load balancer before nginx) works, and the first untrusted hop is taken as the client.
            forwarded.ForwardLimit = null;
        });
        return services;
    }

    public static WebApplication UseVaultForwardedHeaders(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseForwardedHeaders();
        return app;
    }
}
