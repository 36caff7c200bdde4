using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace LeadPlatform.OperatorConsole;

/// <summary>Leads per hour as an inline SVG line chart, drawn on the server: no script, no chart library.</summary>
public static class HourlyChart
{
    public sealed record Point(DateTimeOffset At, long Accepted, long Delivered, long Failed);

    private const int Width = 720, Height = 220, Left = 40, Bottom = 24, Top = 10;
    private static readonly (string Name, string Colour, Func<Point, long> Value)[] Series =
    [
        ("accepted", "#1f3a5f", p => p.Accepted),
        ("delivered", "#14632d", p => p.Delivered),
        ("failed", "#a4000f", p => p.Failed),
    ];

    public static string Svg(IReadOnlyList<Point> points)
    {
        var max = Math.Max(1, points.Count == 0 ? 1 : points.Max(p => Math.Max(p.Accepted, Math.Max(p.Delivered, p.Failed))));
        var plotWidth = Width - Left - 10.0;
        var plotHeight = Height - Top - Bottom - 0.0;
        double X(int i) => Left + (points.Count <= 1 ? 0 : i * plotWidth / (points.Count - 1));
        double Y(long v) => Top + plotHeight - v * plotHeight / max;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg id="hourly-chart" role="img" aria-labelledby="hourly-title" viewBox="0 0 {Width} {Height}" width="{Width}" height="{Height}" xmlns="http://www.w3.org/2000/svg">""");
        svg.Append("""<title id="hourly-title">Leads accepted, delivered and failed per hour</title>""");
        svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{Left}" y1="{Top + plotHeight}" x2="{Width - 10}" y2="{Top + plotHeight}" stroke="#555"/>""");
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Left - 6}" y="{Top + 10}" text-anchor="end" font-size="11">{max}</text><text x="{Left - 6}" y="{Top + plotHeight}" text-anchor="end" font-size="11">0</text>""");
        for (var i = 0; i < points.Count; i += Math.Max(1, points.Count / 6))
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{X(i):0.#}" y="{Height - 6}" text-anchor="middle" font-size="11">{points[i].At:HH}:00</text>""");
        }
        foreach (var (name, colour, value) in Series)
        {
            var path = string.Join(" ", points.Select((p, i) => string.Create(CultureInfo.InvariantCulture, $"{X(i):0.#},{Y(value(p)):0.#}")));
            svg.Append(CultureInfo.InvariantCulture, $"""<polyline class="series-{name}" fill="none" stroke="{colour}" stroke-width="2" points="{HtmlEncoder.Default.Encode(path)}"/>""");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    public static IEnumerable<(string Name, string Colour)> Legend => Series.Select(s => (s.Name, s.Colour));
}
