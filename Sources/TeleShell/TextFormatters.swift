// The CSV, JSON, Markdown and line output modes.
//
// CSV and JSON are for other programs, so they keep NULL apart from the empty string and
// print every row; Markdown and line mode are for people and print NULL as `NULL`.

import TeleCore
import TeleDB

/// CSV as RFC 4180 defines it: a header row, CRLF line ends, and fields quoted when they
/// contain a comma, a double quote, CR or LF, with inner quotes doubled.
///
/// NULL is an empty unquoted field and the empty string is `""`, as in PostgreSQL's
/// `COPY ... CSV`, so a reader can tell the two apart.
enum CSVFormatter {
    static func header(_ columns: [ResultColumn]) -> String {
        columns.map { quote($0.name) }.joined(separator: ",") + "\r\n"
    }

    static func format(rows: [[Value]]) -> String {
        var text = ""
        for row in rows {
            text += row.map(field).joined(separator: ",") + "\r\n"
        }
        return text
    }

    static func field(_ value: Value) -> String {
        guard let text = value.text else { return "" }
        if text.isEmpty { return "\"\"" }
        return quote(text)
    }

    static func quote(_ text: String) -> String {
        let needsQuotes = text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else { return text }
        var quoted = "\""
        for character in text {
            quoted += character == "\"" ? "\"\"" : String(character)
        }
        return quoted + "\""
    }
}

/// A JSON array of objects keyed by column name, one object per line.
///
/// Integers and finite doubles are JSON numbers, booleans are `true`/`false`, NULL is `null`
/// and a histogram is its JSON object. NaN and the infinities have no JSON number, so they
/// print as the strings `"NaN"`, `"Infinity"` and `"-Infinity"`. Dates, timestamps and
/// intervals print as strings in PostgreSQL's text format.
enum JSONFormatter {
    /// Writes the array a batch of rows at a time: `[` before the first row, `,` and a line
    /// break between rows, and `]` at the end.
    struct Writer {
        private let keys: [String]
        private var rowsWritten = 0

        init(columns: [ResultColumn]) {
            keys = columns.map { JSONFormatter.quote($0.name) + ":" }
        }

        mutating func format(rows: [[Value]]) -> String {
            var text = ""
            for row in rows {
                text += rowsWritten == 0 ? "[" : ",\n"
                let members = zip(keys, row).map { $0 + JSONFormatter.value($1) }
                text += "{" + members.joined(separator: ",") + "}"
                rowsWritten += 1
            }
            return text
        }

        func finish() -> String {
            rowsWritten == 0 ? "[]\n" : "]\n"
        }
    }

    static func value(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case .boolean(let flag): return flag ? "true" : "false"
        case .integer(let number): return String(number)
        case .double(let number):
            let text = Value.formatDouble(number)
            return number.isFinite ? text : quote(text)
        case .histogram(let histogram): return histogram.description
        case .string, .date, .timestamp, .interval: return quote(value.text ?? "")
        }
    }

    /// Writes `text` as a JSON string, escaping quotes, backslashes and control characters.
    static func quote(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                quoted += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}

/// A GitHub-flavoured Markdown table; numeric columns are marked right-aligned.
enum MarkdownFormatter {
    static func format(columns: [ResultColumn], rows: [[Value]]) -> String {
        let header = columns.map { escape($0.name) }
        let cells = rows.map { $0.map { escape(ResultFormatter.displayText($0)) } }
        var widths = header.map { max(3, TableFormatter.displayWidth($0)) }
        for row in cells {
            for (index, text) in row.enumerated() { widths[index] = max(widths[index], TableFormatter.displayWidth(text)) }
        }

        var lines = [line(header, widths: widths, columns: columns)]
        let rule = columns.indices.map { index in
            ResultFormatter.isRightAligned(columns[index].type)
                ? String(repeating: "-", count: widths[index] - 1) + ":"
                : String(repeating: "-", count: widths[index])
        }
        lines.append("| " + rule.joined(separator: " | ") + " |")
        for row in cells { lines.append(line(row, widths: widths, columns: columns)) }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func line(_ texts: [String], widths: [Int], columns: [ResultColumn]) -> String {
        var parts: [String] = []
        for (index, text) in texts.enumerated() {
            let alignment: TableFormatter.Alignment = ResultFormatter.isRightAligned(columns[index].type) ? .right : .left
            parts.append(TableFormatter.pad(text, to: widths[index], alignment: alignment))
        }
        return "| " + parts.joined(separator: " | ") + " |"
    }

    /// Escapes the pipe, which would end the cell, and turns line breaks into `<br>`.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "|": escaped += "\\|"
            case "\n", "\r\n": escaped += "<br>"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

/// One `name = value` line per column with the names right-aligned, rows separated by a
/// blank line, as SQLite's `.mode line` prints them.
enum LineFormatter {
    /// Formats a batch of rows. `first` is true when no row was printed before this batch;
    /// otherwise a blank line separates the batches.
    static func format(columns: [ResultColumn], rows: [[Value]], first: Bool = true) -> String {
        let nameWidth = columns.map { TableFormatter.displayWidth($0.name) }.max() ?? 0
        var blocks: [String] = first || rows.isEmpty ? [] : [""]
        for row in rows {
            var block = ""
            for (index, value) in row.enumerated() {
                let name = TableFormatter.pad(columns[index].name, to: nameWidth, alignment: .right)
                block += name + " = " + ResultFormatter.displayText(value) + "\n"
            }
            blocks.append(block)
        }
        return blocks.joined(separator: "\n")
    }
}
