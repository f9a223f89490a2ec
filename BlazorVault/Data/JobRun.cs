using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorVault.Data;

/// <summary>
/// How a background job's rounds went, for the admin area: the last round and the last failure. Kept apart
/// from <see cref="JobLease"/>, whose row goes when a round releases it.
/// </summary>
public sealed class JobRun
{
    public required string Name { get; set; }

    public DateTimeOffset? LastRunAt { get; set; }

    public DateTimeOffset? LastErrorAt { get; set; }

    public string? LastError { get; set; }
}

internal sealed class JobRunConfiguration : IEntityTypeConfiguration<JobRun>
{
    public void Configure(EntityTypeBuilder<JobRun> builder)
    {
        builder.ToTable("JobRuns");
        builder.HasKey(j => j.Name);
        builder.Property(j => j.Name).HasMaxLength(100);
        builder.Property(j => j.LastError).HasMaxLength(2000);
        builder.Property(j => j.LastRunAt).HasConversion<UnixTimeConverter>();
        builder.Property(j => j.LastErrorAt).HasConversion<UnixTimeConverter>();
    }
}
