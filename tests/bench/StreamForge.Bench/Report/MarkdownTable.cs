using System.Text;

namespace StreamForge.Bench.Report;

/// <summary>A GitHub-flavoured Markdown table; cells with '|' are escaped.</summary>
internal sealed class MarkdownTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public int RowCount => _rows.Count;

    public MarkdownTable Row(params string[] cells)
    {
        _rows.Add(cells);
        return this;
    }

    public void WriteTo(StringBuilder output)
    {
        output.AppendLine(Line(headers));
        output.AppendLine(Line(headers.Select(_ => "---")));
        foreach (var row in _rows)
        {
            output.AppendLine(Line(row));
        }

        output.AppendLine();
    }

    private static string Line(IEnumerable<string> cells) => "| " + string.Join(" | ", cells.Select(c => c.Replace("|", "\\|"))) + " |";
}
