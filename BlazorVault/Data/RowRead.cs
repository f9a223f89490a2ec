using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace BlazorVault.Data;

/// <summary>
/// One of the few single-row reads that nearly every request makes (the caller's account, the file asked for, the
/// session), as a hand-written statement prepared once per warm connection (<see cref="ReadLanes.RowAsync"/>) and
/// then only run again with new values. An EF Core compiled query still builds its command and shaper delegates
/// on every execution: measured, an owner's 4 KiB download took 171 µs of CPU with its two reads as compiled
/// queries and 100 µs with them as these statements (bench/README.md).
/// Names, parameter types and value conversions come from the model (<see cref="RowSql"/>), so the statement
/// compares and reads exactly what EF Core's own would; the tests run each one on SQLite and PostgreSQL.
/// </summary>
/// <param name="text">Writes the statement for a context's model: its columns by <see cref="RowSql.Select{T}"/>, its values by <see cref="RowSql.Parameter{T}"/>.</param>
/// <param name="bind">Gives the parameters their values, in the order the statement asked for them.</param>
/// <param name="map">Makes the result of the one row found (the columns in the order selected).</param>
public sealed class RowRead<TArg, TResult>(Func<RowSql, string> text, Action<RowValues, TArg> bind, Func<Row, TResult> map)
    where TResult : class
{
    internal PreparedRow Prepare(VaultDbContext db)
    {
        var sql = new RowSql(db);
        var commandText = text(sql);
        var command = ModelSql.Command(db);
        command.CommandText = commandText;
        for (var i = 0; i < sql.Parameters.Count; i++)
        {
            command.Parameters.Add(ModelSql.Parameter(db, command, sql.Parameters[i], $"p{i}"));
        }

        // On PostgreSQL a server-side prepared statement for this connection; on SQLite compiled now rather than at its first run.
        command.Prepare();
        return new PreparedRow(command, [.. sql.Parameters], [.. sql.Columns]);
    }

    internal async Task<TResult?> RunAsync(PreparedRow prepared, TArg argument, CancellationToken cancellationToken)
    {
        bind(new RowValues(prepared), argument);
        await using var reader = await prepared.Command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? map(new Row(reader, prepared)) : null;
    }
}

/// <summary>A <see cref="RowRead{TArg, TResult}"/>'s statement on one connection.</summary>
internal sealed class PreparedRow(DbCommand command, IProperty[] parameters, IProperty[] columns) : IAsyncDisposable
{
    public DbCommand Command { get; } = command;

    public IProperty[] Parameters { get; } = parameters;

    public IProperty[] Columns { get; } = columns;

    public ValueConverter?[] Converters { get; } = [.. columns.Select(c => c.GetRelationalTypeMapping().Converter)];

    public ValueConverter?[] ParameterConverters { get; } = [.. parameters.Select(p => p.GetRelationalTypeMapping().Converter)];

    /// <summary>For <see cref="Row.Entity{T}"/>: each column's value as its property's type, boxed.</summary>
    public Func<DbDataReader, int, object>[] BoxedReaders { get; } = [.. columns.Select(c => BoxedReader(Nullable.GetUnderlyingType(c.ClrType) ?? c.ClrType))];

    /// <summary>For <see cref="Row.Entity{T}"/>: each column's property or field setter, compiled once per member.</summary>
    public Action<object, object?>[] Setters { get; } = [.. columns.Select(SetterFor)];

    private static readonly ConcurrentDictionary<MemberInfo, Action<object, object?>> CompiledSetters = new();

    private static Action<object, object?> SetterFor(IProperty column) =>
        ((MemberInfo?)column.PropertyInfo ?? column.FieldInfo) is { } member
            ? CompiledSetters.GetOrAdd(member, SetterOf)
            : (_, _) => throw new InvalidOperationException($"{column.DeclaringType.ClrType.Name}.{column.Name} has no member to read into.");

    private static Action<object, object?> SetterOf(MemberInfo member)
    {
        var entity = Expression.Parameter(typeof(object));
        var value = Expression.Parameter(typeof(object));
        var type = member is PropertyInfo property ? property.PropertyType : ((FieldInfo)member).FieldType;
        var target = Expression.MakeMemberAccess(Expression.Convert(entity, member.DeclaringType!), member);
        return Expression.Lambda<Action<object, object?>>(Expression.Assign(target, Expression.Convert(value, type)), entity, value).Compile();
    }

    private static Func<DbDataReader, int, object> BoxedReader(Type type) =>
        typeof(PreparedRow).GetMethod(nameof(ReadBoxed), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type).CreateDelegate<Func<DbDataReader, int, object>>();

    private static object ReadBoxed<T>(DbDataReader reader, int index) where T : notnull => reader.GetFieldValue<T>(index);

    public ValueTask DisposeAsync() => Command.DisposeAsync();
}

/// <summary>Writes a <see cref="RowRead{TArg, TResult}"/>'s statement with the model's names, remembering its columns and parameters.</summary>
public sealed class RowSql(VaultDbContext db)
{
    internal List<IProperty> Columns { get; } = [];

    internal List<IProperty> Parameters { get; } = [];

    /// <summary>The entity's table, quoted, followed by <paramref name="alias"/> when given.</summary>
    public string Table<T>(string? alias = null) => alias is null ? ModelSql.Table<T>(db) : $"{ModelSql.Table<T>(db)} AS {alias}";

    /// <summary>A column for a condition, qualified by <paramref name="alias"/> when given.</summary>
    public string Column<T>(string property, string? alias = null) =>
        alias is null ? ModelSql.Column<T>(db, property) : $"{alias}.{ModelSql.Column<T>(db, property)}";

    /// <summary>A column the row gives back: the next one <see cref="Row"/> reads.</summary>
    public string Select<T>(string property, string? alias = null)
    {
        Columns.Add(ModelSql.Property<T>(db, property));
        return Column<T>(property, alias);
    }

    /// <summary>Every column of the entity (for <see cref="Row.Entity{T}"/>), qualified by <paramref name="alias"/> when given.</summary>
    public string SelectAll<T>(string? alias = null)
    {
        var properties = ModelSql.Entity<T>(db).GetProperties().ToList();
        if (properties.FirstOrDefault(p => p.IsShadowProperty()) is { } shadow)
        {
            throw new InvalidOperationException($"{typeof(T).Name}.{shadow.Name} has no member to read into.");
        }

        Columns.AddRange(properties);
        return string.Join(", ", properties.Select(p => alias is null ? ModelSql.Column(db, p) : $"{alias}.{ModelSql.Column(db, p)}"));
    }

    /// <summary>A value compared with <paramref name="property"/>'s column, typed and converted as that column: the next one bound.</summary>
    public string Parameter<T>(string property)
    {
        Parameters.Add(ModelSql.Property<T>(db, property));
        return ModelSql.Placeholder(db, $"p{Parameters.Count - 1}");
    }
}

/// <summary>Sets a prepared statement's parameters, converted as their columns store them.</summary>
public readonly struct RowValues
{
    private readonly PreparedRow _prepared;

    internal RowValues(PreparedRow prepared) => _prepared = prepared;

    public void Set(int index, object? value) =>
        _prepared.Command.Parameters[index].Value = ModelSql.ToProvider(_prepared.ParameterConverters[index], value);
}

/// <summary>The row found, read column by column as EF Core would (the columns' value conversions applied).</summary>
public readonly struct Row
{
    private readonly DbDataReader _reader;
    private readonly PreparedRow _prepared;

    internal Row(DbDataReader reader, PreparedRow prepared)
    {
        _reader = reader;
        _prepared = prepared;
    }

    public T Get<T>(int index) where T : notnull =>
        _reader.IsDBNull(index) ? throw new InvalidOperationException($"{_prepared.Columns[index].Name} is null.") : Value<T>(index);

    public string? GetStringOrNull(int index) => _reader.IsDBNull(index) ? null : Value<string>(index);

    public T? GetOrNull<T>(int index) where T : struct => _reader.IsDBNull(index) ? null : Value<T>(index);

    /// <summary>
    /// A new, untracked <typeparamref name="T"/> from the columns of <see cref="RowSql.SelectAll{T}"/>, which
    /// start at <paramref name="start"/>: every property set, as EF Core's untracked query would. <paramref name="next"/>
    /// is the column after them.
    /// </summary>
    public T Entity<T>(int start, out int next)
    {
        var entity = Activator.CreateInstance<T>()!;
        var columns = _prepared.Columns;
        var i = start;
        for (; i < columns.Length && columns[i].DeclaringType.ClrType == typeof(T); i++)
        {
            object? value = null;
            if (!_reader.IsDBNull(i))
            {
                value = _prepared.Converters[i] is { } converter ? Converted(i, converter) : _prepared.BoxedReaders[i](_reader, i);
            }

            _prepared.Setters[i](entity, value);
        }

        next = i;
        return entity;
    }

    private object Converted(int index, ValueConverter converter)
    {
        // SQLite gives every integer as a long: the converter gets its own provider type, as EF Core's reader would.
        var stored = _reader.GetValue(index);
        if (stored.GetType() != converter.ProviderClrType)
        {
            stored = Convert.ChangeType(stored, converter.ProviderClrType, CultureInfo.InvariantCulture);
        }

        return converter.ConvertFromProvider(stored)!;
    }

    private T Value<T>(int index) where T : notnull =>
        _prepared.Converters[index] is { } converter ? (T)Converted(index, converter) : _reader.GetFieldValue<T>(index);
}
