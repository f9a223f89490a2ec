using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorVault.Storage;

/// <summary>
/// The database's record of a resumable blob staged in the bucket (<see cref="S3ResumableStaging"/>):
/// its multipart upload, the parts uploaded so far (<see cref="S3StagingPart"/>) and the small tail object
/// with the bytes after the last part. Every change bumps <see cref="Version"/> under the condition that
/// it is still what the writer read, so a writer that lost its upload's lease cannot overwrite a newer state.
/// </summary>
/// <remarks>
/// <see cref="BaseTailKey"/> keeps the tail the current writer started from until a later open
/// confirms the new offset: a refused request (or a crash before its offset was recorded) goes back to it.
/// </remarks>
public sealed class S3StagingRecord
{
    public required string Id { get; set; }

    public string? MultipartUploadId { get; set; }

    public string? TailKey { get; set; }

    public long TailOffset { get; set; }

    public long TailSize { get; set; }

    public string? BaseTailKey { get; set; }

    public long BaseTailOffset { get; set; }

    public long BaseTailSize { get; set; }

    /// <summary>Set once the multipart upload is complete: the whole content is the staging's data object.</summary>
    public long? CompletedLength { get; set; }

    public int Version { get; set; }
}

/// <summary>One uploaded part of a staged blob: bytes <see cref="Offset"/> to <see cref="Offset"/> + <see cref="Size"/>.</summary>
public sealed class S3StagingPart
{
    public required string StagingId { get; set; }

    public int PartNumber { get; set; }

    public long Offset { get; set; }

    public long Size { get; set; }

    public required string ETag { get; set; }
}

internal sealed class S3StagingConfiguration : IEntityTypeConfiguration<S3StagingRecord>, IEntityTypeConfiguration<S3StagingPart>
{
    public void Configure(EntityTypeBuilder<S3StagingRecord> builder)
    {
        builder.ToTable("S3Stagings");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasMaxLength(64);
        builder.Property(s => s.MultipartUploadId).HasMaxLength(1024);
        builder.Property(s => s.TailKey).HasMaxLength(200);
        builder.Property(s => s.BaseTailKey).HasMaxLength(200);
    }

    public void Configure(EntityTypeBuilder<S3StagingPart> builder)
    {
        builder.ToTable("S3StagingParts");
        builder.HasKey(p => new { p.StagingId, p.PartNumber });
        builder.Property(p => p.StagingId).HasMaxLength(64);
        builder.Property(p => p.ETag).HasMaxLength(200);
        builder.HasOne<S3StagingRecord>().WithMany().HasForeignKey(p => p.StagingId).OnDelete(DeleteBehavior.Cascade);
    }
}
