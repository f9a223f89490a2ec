using System.Diagnostics;
using BC = BCrypt.Net.BCrypt;

// What one bcrypt hash costs at each work factor, as the app computes it (SHA-384 pre-hash).
// Prints a markdown table of the median and spread over several hashes per factor.
var factors = args.Length > 0 ? args.Select(int.Parse).ToArray() : [10, 11, 12, 13];
const int Runs = 7;

BC.EnhancedHashPassword("warm-up", BCrypt.Net.HashType.SHA384, 4);

Console.WriteLine("| work factor | median ms | min ms | max ms | hashes/s on one core |");
Console.WriteLine("|---:|---:|---:|---:|---:|");
foreach (var factor in factors)
{
    var times = new List<double>();
    for (var i = 0; i < Runs; i++)
    {
        var watch = Stopwatch.StartNew();
        BC.EnhancedHashPassword("correct horse battery staple", BCrypt.Net.HashType.SHA384, factor);
        times.Add(watch.Elapsed.TotalMilliseconds);
    }

    times.Sort();
    var median = times[Runs / 2];
    Console.WriteLine($"| {factor} | {median:F0} | {times[0]:F0} | {times[^1]:F0} | {1000 / median:F1} |");
}
