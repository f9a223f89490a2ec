using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace BlazorVault.Data;

/// <summary>
/// Stores a time as Unix milliseconds: a plain integer that SQLite and PostgreSQL compare and order
/// the same way in conditional statements (SQLite cannot compare its text form of DateTimeOffset).
/// </summary>
public sealed class UnixTimeConverter() : ValueConverter<DateTimeOffset, long>(
    time => time.ToUnixTimeMilliseconds(),
    value => DateTimeOffset.FromUnixTimeMilliseconds(value));
