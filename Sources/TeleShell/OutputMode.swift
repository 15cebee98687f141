// The output modes of the shell and the entry point that renders a result in one of them.
//
// Every mode turns a `StatementResult` into text; the per-mode renderers live in
// TableFormatter.swift and TextFormatters.swift, and the chart renderers in ResultCharts.swift.

import TeleCore
import TeleDB

/// The format in which the shell prints query results.
public enum OutputMode: String, Sendable, CaseIterable {
    /// Box-drawing table with the column type under each name.
    case table
    /// RFC 4180 CSV with a header row.
    case csv
    /// A JSON array with one object per row.
    case json
    /// A GitHub-flavoured Markdown table.
    case markdown
    /// One `column = value` line per value, with a blank line between rows.
    case line
    /// Charts for results that hold histograms, CDFs or evolution series; a table otherwise.
    case chart

    /// The mode names joined for usage and error messages: `table, csv, json, markdown, line, chart`.
    public static var namesList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Renders statement results as text.
public enum ResultFormatter {
    /// Formats the rows of `result` in `mode`.
    ///
    /// - Parameters:
    ///   - maxRows: In table mode, the number of rows to show before eliding the middle rows;
    ///     0 shows every row. Other modes always print every row.
    ///   - maxCellWidth: In table mode, the display width at which a value is cut off with
    ///     `…`; 0 never cuts.
    ///   - charts: How chart mode draws, and whether table mode adds charts under the table.
    /// - Returns: The text to print, ending with a newline, or "" when the result has no columns.
    public static func format(_ result: StatementResult, mode: OutputMode, maxRows: Int = 0, maxCellWidth: Int = 0,
                              charts: ChartOptions = ChartOptions(setting: .off)) -> String
    {
        var text = ""
        write(result, mode: mode, maxRows: maxRows, maxCellWidth: maxCellWidth, charts: charts) { text += $0 }
        return text
    }

    /// Formats the rows of `result` in `mode` and passes the text to `output` in pieces.
    ///
    /// CSV, JSON and line mode box one chunk of rows at a time, so a large result is never
    /// held as `Value`s all at once. Table mode boxes only the rows it shows; chart mode and
    /// the charts under a table box every row.
    public static func write(
        _ result: StatementResult, mode: OutputMode, maxRows: Int = 0, maxCellWidth: Int = 0,
        charts: ChartOptions = ChartOptions(setting: .off), to output: (String) -> Void
    ) {
        guard result.returnsRows else { return }
        let columns = result.columns
        switch mode {
        case .table:
            let rows = RowLocator(chunks: result.chunks)
            output(TableFormatter.format(columns: columns, rowCount: rows.count, row: rows.row,
                                         maxRows: maxRows, maxCellWidth: maxCellWidth))
            if charts.setting != .off,
               let text = ResultCharts.render(result, options: charts, byName: charts.setting == .on, maxRows: maxRows)
            {
                output("\n" + text)
            }
        case .chart:
            if let text = ResultCharts.render(result, options: charts, byName: true, maxRows: maxRows) {
                output(text)
            } else {
                write(result, mode: .table, maxRows: maxRows, maxCellWidth: maxCellWidth, to: output)
            }
        case .csv:
            output(CSVFormatter.header(columns))
            for chunk in result.chunks { output(CSVFormatter.format(rows: boxedRows(chunk))) }
        case .json:
            var writer = JSONFormatter.Writer(columns: columns)
            for chunk in result.chunks { output(writer.format(rows: boxedRows(chunk))) }
            output(writer.finish())
        case .markdown:
            output(MarkdownFormatter.format(columns: columns, rows: result.rows))
        case .line:
            var first = true
            for chunk in result.chunks {
                output(LineFormatter.format(columns: columns, rows: boxedRows(chunk), first: first))
                first = first && chunk.count == 0
            }
        }
    }

    private static func boxedRows(_ chunk: DataChunk) -> [[Value]] {
        (0..<chunk.count).map { chunk.row($0) }
    }

    /// Returns one value as the human-readable modes print it, with NULL as `NULL`.
    static func displayText(_ value: Value) -> String {
        value.text ?? "NULL"
    }

    /// Returns whether a column's values align to the right, as numbers do in a table.
    static func isRightAligned(_ type: DataType) -> Bool {
        type.isNumeric
    }
}

/// Finds a row by its index across the chunks of a result.
struct RowLocator {
    let chunks: [DataChunk]
    /// The index of the first row of each chunk.
    private let starts: [Int]
    let count: Int

    init(chunks: [DataChunk]) {
        self.chunks = chunks
        var starts: [Int] = []
        var total = 0
        for chunk in chunks {
            starts.append(total)
            total += chunk.count
        }
        self.starts = starts
        self.count = total
    }

    /// Returns the values of row `index`, found by binary search over the chunk starts.
    func row(_ index: Int) -> [Value] {
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= index { low = middle } else { high = middle - 1 }
        }
        return chunks[low].row(index - starts[low])
    }
}
