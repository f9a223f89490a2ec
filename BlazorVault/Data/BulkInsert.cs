using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace BlazorVault.Data;

/// <summary>
/// Inserts many new rows of one entity type as multi-row <c>INSERT … VALUES (…), (…)</c> statements, for
/// the batched writers (the access log, notifications) whose rows nobody tracks afterwards. EF Core's
/// SaveChanges tracks each entity, detects its changes and builds a statement per row: measured, that was
/// a fifth of a share-link download's CPU time under load (bench/README.md). Columns, names and value
/// conversions come from the model, so the rows are the same as SaveChanges would write, on either provider.
/// Runs in the context's current transaction, if any.
/// </summary>
public static class BulkInsert
{
    // Below SQLite's oldest limit of bound parameters (999); PostgreSQL allows far more.
    private const int MaxParameters = 900;

    public static async Task AddAsync<T>(VaultDbContext db, IReadOnlyCollection<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return;
        }

        var entity = ModelSql.Entity<T>(db);
        var columns = entity.GetProperties().ToList();
        if (columns.FirstOrDefault(p => p.IsShadowProperty() || p.ValueGenerated != ValueGenerated.Never && !p.IsKey()) is { } unsupported)
        {
            // Its value would come from EF Core's state or the database; this writer sends only what the object holds.
            throw new InvalidOperationException($"{typeof(T).Name}.{unsupported.Name} is not a plain column; use SaveChanges.");
        }

        var head = $"INSERT INTO {ModelSql.Table<T>(db)} ({string.Join(", ", columns.Select(c => ModelSql.Column(db, c)))}) VALUES ";
        // SQLite, in process, runs a prepared one-row statement again for each row faster than it parses a long
        // one; PostgreSQL, over the network, wants few round trips.
        var perStatement = db.Database.IsSqlite() ? 1 : Math.Max(1, MaxParameters / columns.Count);

        await db.Database.OpenConnectionAsync(cancellationToken);
        DbCommand? command = null;
        try
        {
            foreach (var chunk in rows.Chunk(perStatement))
            {
                if (command is null || command.Parameters.Count != chunk.Length * columns.Count)
                {
                    // A statement of this many rows, prepared once and then only given new values.
                    if (command is not null)
                    {
                        await command.DisposeAsync();
                    }

                    command = ModelSql.Command(db);
                    var text = new StringBuilder(head);
                    for (var r = 0; r < chunk.Length; r++)
                    {
                        text.Append(r == 0 ? "(" : ", (");
                        for (var c = 0; c < columns.Count; c++)
                        {
                            var name = $"p{(r * columns.Count) + c}";
                            text.Append(c == 0 ? "" : ", ").Append(ModelSql.Placeholder(db, name));
                            command.Parameters.Add(ModelSql.Parameter(db, command, columns[c], name));
                        }

                        text.Append(')');
                    }

                    command.CommandText = text.ToString();
                }

                for (var r = 0; r < chunk.Length; r++)
                {
                    for (var c = 0; c < columns.Count; c++)
                    {
                        var value = columns[c].PropertyInfo?.GetValue(chunk[r]) ?? columns[c].FieldInfo?.GetValue(chunk[r]);
                        command.Parameters[(r * columns.Count) + c].Value = ModelSql.ToProvider(columns[c], value);
                    }
                }

                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        finally
        {
            if (command is not null)
            {
                await command.DisposeAsync();
            }

            await db.Database.CloseConnectionAsync();
        }
    }
}
