using System.Net;
using System.Net.Sockets;

namespace BlazorVault.Sharing;

/// <summary>
/// A client address cut to its network for the access log: /24 for IPv4, /48 for IPv6. Enough for an owner
/// to tell "the office" from "somewhere else", not enough to name one household or device.
/// </summary>
public static class ClientNetwork
{
    public static string? Of(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            bytes[3] = 0;
            return $"{new IPAddress(bytes)}/24";
        }

        Array.Clear(bytes, 6, bytes.Length - 6);
        return $"{new IPAddress(bytes)}/48";
    }
}
