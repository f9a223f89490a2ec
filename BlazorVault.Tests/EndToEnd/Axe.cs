using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>
/// An axe-core check of what a page shows now (EndToEnd/axe: the vendored script). The script is evaluated
/// through Playwright, which the page's Content-Security-Policy does not govern, so the policy stays as strict
/// as users get it. axe adds style elements of its own while it runs, which that policy blocks and
/// <see cref="BrowserTest"/> reports as violations: run it in a context opened with <c>BypassCSP = true</c>
/// (as <see cref="AccessibilityBrowserTests"/> does), and check the policy itself in other tests.
/// Call it where the page is in the state to check: a dialog open, a menu unfolded.
/// </summary>
public static class Axe
{
    private static readonly Lazy<string> Script = new(() =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "EndToEnd", "axe", "axe.min.js")));

    /// <summary>The impacts a check fails on.</summary>
    public static readonly IReadOnlySet<string> Failing = new HashSet<string>(StringComparer.Ordinal) { "serious", "critical" };

    /// <summary>Fails when the page has a serious or critical violation outside the parts <paramref name="exclude"/> picks.</summary>
    /// <param name="what">Names the state checked, for the failure message.</param>
    /// <param name="exclude">CSS selectors of parts left out, each for a reason the caller records (another area's known problem).</param>
    public static async Task AssertNoSeriousViolationsAsync(IPage page, string what, params string[] exclude)
    {
        ArgumentNullException.ThrowIfNull(page);
        // Bootstrap's buttons fade between colours (no fade with reduced motion): a contrast read mid-fade, right
        // after a click or a resize, is neither colour the page really shows.
        await page.EmulateMediaAsync(new() { ReducedMotion = ReducedMotion.Reduce });
        var violations = await CheckAsync(page, exclude);
        var failing = violations.Where(v => Failing.Contains(v.Impact)).ToList();
        Assert.True(failing.Count == 0, $"axe-core found serious or critical problems in {what} ({page.Url}):{Environment.NewLine}{Describe(failing)}");
    }

    /// <summary>Every violation axe-core reports, whatever its impact.</summary>
    public static async Task<IReadOnlyList<AxeViolation>> CheckAsync(IPage page, params string[] exclude)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            await page.EvaluateAsync("() => {\n" + Script.Value + "\n}");
        }

        var result = await page.EvaluateAsync<JsonElement>(
            """
            async exclude => {
                const found = await window.axe.run({ exclude: exclude.map(s => [s]) }, { resultTypes: ['violations'] });
                return found.violations.map(v => ({
                    id: v.id, impact: v.impact ?? 'unknown', help: v.help,
                    nodes: v.nodes.map(n => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`),
                }));
            }
            """,
            exclude);
        return [.. result.EnumerateArray().Select(v => new AxeViolation(
            v.GetProperty("id").GetString()!,
            v.GetProperty("impact").GetString()!,
            v.GetProperty("help").GetString()!,
            [.. v.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()!)]))];
    }

    public static string Describe(IEnumerable<AxeViolation> violations)
    {
        var text = new StringBuilder();
        foreach (var v in violations)
        {
            text.AppendLine($"- {v.Id} ({v.Impact}): {v.Help}");
            foreach (var node in v.Nodes.Take(5))
            {
                text.AppendLine($"    {node.ReplaceLineEndings(" ")}");
            }
        }

        return text.ToString();
    }
}

public sealed record AxeViolation(string Id, string Impact, string Help, IReadOnlyList<string> Nodes);
