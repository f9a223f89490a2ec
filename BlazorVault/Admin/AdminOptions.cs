namespace BlazorVault.Admin;

/// <summary>The <c>Vault:Admin</c> section.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Vault:Admin";

    /// <summary>User names that are admins whatever the database says (an operator's way in, and out of a lock-out).</summary>
    public string[] UserNames { get; set; } = [];
}

/// <summary>Who may create an account.</summary>
public enum RegistrationMode
{
    /// <summary>Anyone.</summary>
    Open,

    /// <summary>Only with an invite link an admin made.</summary>
    InviteOnly,

    /// <summary>Nobody; admins may still reopen it.</summary>
    Closed,
}

/// <summary>The <c>Vault:Registration</c> section: the default that the admin area may change (the change is stored in the database).</summary>
public sealed class RegistrationOptions
{
    public const string SectionName = "Vault:Registration";

    public RegistrationMode Mode { get; set; } = RegistrationMode.Open;
}
