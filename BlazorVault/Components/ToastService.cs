namespace BlazorVault.Components;

public enum ToastKind
{
    Success,
    Error,
}

public sealed record Toast(Guid Id, ToastKind Kind, string Message);

/// <summary>
/// Short messages for the <see cref="Toasts"/> component. Scoped, so one per circuit: a message
/// raised by one user's upload never shows in another user's browser.
/// </summary>
public sealed class ToastService(TimeProvider clock)
{
    public static readonly TimeSpan SuccessLifetime = TimeSpan.FromSeconds(4);

    // Errors stay longer: they usually need reading, successes only need noticing.
    public static readonly TimeSpan ErrorLifetime = TimeSpan.FromSeconds(8);

    // Few at a time, and counted per kind: a run of successes must never push an error out unread.
    private const int MaxSuccesses = 2;
    private const int MaxErrors = 4;

    private readonly Lock _gate = new();
    private readonly List<Toast> _toasts = [];

    /// <summary>Raised after a toast is added or removed, possibly off the renderer's thread.</summary>
    public event Action? Changed;

    public IReadOnlyList<Toast> Current
    {
        get
        {
            lock (_gate)
            {
                return [.. _toasts];
            }
        }
    }

    public void ShowSuccess(string message) => Show(ToastKind.Success, message);

    public void ShowError(string message) => Show(ToastKind.Error, message);

    public void Show(ToastKind kind, string message)
    {
        var toast = new Toast(Guid.NewGuid(), kind, message);
        lock (_gate)
        {
            _toasts.Add(toast);
            var limit = kind == ToastKind.Error ? MaxErrors : MaxSuccesses;
            if (_toasts.Count(t => t.Kind == kind) > limit)
            {
                _toasts.Remove(_toasts.First(t => t.Kind == kind));
            }
        }

        Changed?.Invoke();
        _ = DismissLaterAsync(toast);
    }

    public void Dismiss(Guid id)
    {
        int removed;
        lock (_gate)
        {
            removed = _toasts.RemoveAll(t => t.Id == id);
        }

        if (removed > 0)
        {
            Changed?.Invoke();
        }
    }

    private async Task DismissLaterAsync(Toast toast)
    {
        await Task.Delay(toast.Kind == ToastKind.Error ? ErrorLifetime : SuccessLifetime, clock);
        Dismiss(toast.Id);
    }
}
