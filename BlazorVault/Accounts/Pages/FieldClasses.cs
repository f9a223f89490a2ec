using Microsoft.AspNetCore.Components.Forms;

namespace BlazorVault.Accounts.Pages;

/// <summary>The account forms' fields: Bootstrap's <c>is-invalid</c> when a field has a message, nothing else (no green "valid").</summary>
public sealed class FieldClasses : FieldCssClassProvider
{
    public static readonly FieldClasses Instance = new();

    public override string GetFieldCssClass(EditContext editContext, in FieldIdentifier fieldIdentifier) =>
        editContext.GetValidationMessages(fieldIdentifier).Any() ? "is-invalid" : "";

    /// <summary>The <c>aria-describedby</c> of a field: its error's id while it has one, then any other descriptions.</summary>
    public static string? DescribedBy(EditContext editContext, FieldIdentifier field, string errorId, params string[] others)
    {
        string[] ids = editContext.GetValidationMessages(field).Any() ? [errorId, .. others] : others;
        return ids.Length == 0 ? null : string.Join(' ', ids);
    }
}
