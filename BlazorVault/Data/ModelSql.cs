using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace BlazorVault.Data;

/// <summary>
/// Names and values for the few hand-written statements of hot paths (<see cref="BulkInsert"/>, a limited link's
/// count, the prepared row reads of <see cref="RowRead{TArg, TResult}"/>), taken from the model: the provider's
/// quoting of its table and column names, and parameters made by the property's own type mapping, so a value is
/// stored and compared exactly as EF Core's own statements would.
/// </summary>
public static class ModelSql
{
    public static string Table<T>(VaultDbContext db)
    {
        var table = TableOf(Entity<T>(db));
        return Helper(db).DelimitIdentifier(table.Name, table.Schema);
    }

    public static string Column<T>(VaultDbContext db, string property) => Column(db, Property<T>(db, property));

    public static string Column(VaultDbContext db, IProperty property)
    {
        ArgumentNullException.ThrowIfNull(property);
        return Helper(db).DelimitIdentifier(property.GetColumnName(TableOf(property.DeclaringType))!);
    }

    /// <summary>A command on the context's open connection, in its current transaction if it has one.</summary>
    public static DbCommand Command(VaultDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    public static string Placeholder(VaultDbContext db, string name) => Helper(db).GenerateParameterNamePlaceholder(name);

    /// <summary>A parameter typed for <paramref name="property"/>, without a value yet (see <see cref="ToProvider"/>).</summary>
    public static DbParameter Parameter<T>(VaultDbContext db, DbCommand command, string property, string name) =>
        Parameter(db, command, Property<T>(db, property), name);

    public static DbParameter Parameter(VaultDbContext db, DbCommand command, IProperty property, string name)
    {
        ArgumentNullException.ThrowIfNull(property);
        return property.GetRelationalTypeMapping().CreateParameter(command, Helper(db).GenerateParameterName(name), null, property.IsNullable);
    }

    /// <summary>A value as the property's column holds it (enums as numbers, times as Unix milliseconds), or DBNull.</summary>
    public static object ToProvider(IProperty property, object? value)
    {
        ArgumentNullException.ThrowIfNull(property);
        return ToProvider(property.GetRelationalTypeMapping().Converter, value);
    }

    /// <inheritdoc cref="ToProvider(IProperty, object?)"/>
    public static object ToProvider(ValueConverter? converter, object? value) =>
        (value is null ? null : converter is null ? value : converter.ConvertToProvider(value)) ?? DBNull.Value;

    public static IEntityType Entity<T>(VaultDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
    }

    public static IProperty Property<T>(VaultDbContext db, string property) =>
        Entity<T>(db).FindProperty(property) ?? throw new InvalidOperationException($"{typeof(T).Name}.{property} is not in the model.");

    private static StoreObjectIdentifier TableOf(ITypeBase type) =>
        StoreObjectIdentifier.Table(((IEntityType)type).GetTableName()!, ((IEntityType)type).GetSchema());

    private static ISqlGenerationHelper Helper(VaultDbContext db) => db.GetService<ISqlGenerationHelper>();
}
