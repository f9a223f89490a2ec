namespace BlazorVault.Files;

/// <summary>The upload panel's one line about the whole queue: "Uploading 3 of 60…", "58 uploaded, 2 failed".</summary>
public static class UploadSummary
{
    public readonly record struct Counts(int Total, int Stored, int Failed, int Cancelled, int Paused, int Running)
    {
        public int Finished => Stored + Failed + Cancelled;

        /// <summary>The rows folded into the summary (stored or cancelled).</summary>
        public int Folded => Stored + Cancelled;
    }

    public static Counts Count(IReadOnlyList<UploadItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        int stored = 0, failed = 0, cancelled = 0, paused = 0, running = 0;
        foreach (var item in items)
        {
            switch (item.State)
            {
                case UploadState.Stored: stored++; break;
                case UploadState.Failed: failed++; break;
                case UploadState.Cancelled: cancelled++; break;
                case UploadState.Paused: paused++; break;
                default: running++; break;
            }
        }

        return new Counts(items.Count, stored, failed, cancelled, paused, running);
    }

    public static string Text(Counts counts)
    {
        var tail = (counts.Failed > 0 ? $", {counts.Failed} failed" : "") + (counts.Cancelled > 0 ? $", {counts.Cancelled} cancelled" : "");
        if (counts.Running > 0)
        {
            // The file being sent is the one after those already finished.
            return $"Uploading {Math.Min(counts.Total, counts.Finished + counts.Paused + 1)} of {counts.Total}…{tail}";
        }

        if (counts.Paused > 0)
        {
            return $"{counts.Paused} paused, {counts.Stored} of {counts.Total} uploaded{tail}";
        }

        return $"{counts.Stored} uploaded{tail}";
    }
}
