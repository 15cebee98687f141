// The output modes of the shell and the entry point that renders a result in one of them.
//
// Every mode turns a `StatementResult` into text; the per-mode renderers live in
// TableFormatter.swift and TextFormatters.swift.

import TeleCore
import TeleDB

/// How the shell prints query results.
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

    /// The mode names joined for usage and error messages: `table, csv, json, markdown, line`.
    public static var namesList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Renders statement results as text.
public enum ResultFormatter {
    /// Formats the rows of `result` in `mode`.
    ///
    /// - Parameters:
    ///   - maxRows: In table mode, the number of rows to show before eliding the middle rows;
    ///     0 shows every row. Other modes always print every row.
    /// - Returns: The text to print, ending with a newline, or "" when the result has no columns.
    public static func format(_ result: StatementResult, mode: OutputMode, maxRows: Int = 0) -> String {
        guard result.returnsRows else { return "" }
        let rows = result.rows
        switch mode {
        case .table:
            return TableFormatter.format(columns: result.columns, rows: rows, maxRows: maxRows)
        case .csv:
            return CSVFormatter.format(columns: result.columns, rows: rows)
        case .json:
            return JSONFormatter.format(columns: result.columns, rows: rows)
        case .markdown:
            return MarkdownFormatter.format(columns: result.columns, rows: rows)
        case .line:
            return LineFormatter.format(columns: result.columns, rows: rows)
        }
    }

    /// The text of one value as the human-readable modes print it; NULL prints as `NULL`.
    static func displayText(_ value: Value) -> String {
        value.text ?? "NULL"
    }

    /// Whether a column's values align to the right, as numbers do in a table.
    static func isRightAligned(_ type: DataType) -> Bool {
        type.isNumeric
    }
}
