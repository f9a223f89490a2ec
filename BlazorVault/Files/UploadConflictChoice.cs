namespace BlazorVault.Files;

public enum UploadConflictChoice
{
    /// <summary>Upload with a free name: "report (2).pdf".</summary>
    KeepBoth,

    /// <summary>Replace the content; the old content stays as a version.</summary>
    Replace,

    /// <summary>Leave out the files whose names are taken.</summary>
    Skip,
}
