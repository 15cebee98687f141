// The box-drawing table mode, laid out the way DuckDB's shell prints results:
//
//     ┌───────┬─────────┐
//     │   n   │  name   │
//     │ bigint│ varchar │
//     ├───────┼─────────┤
//     │     1 │ a       │
//     └───────┴─────────┘
//
// Names and types are centred, numbers right-aligned and other values left-aligned. With a
// row limit the middle rows collapse into one `…` row and a footer counts the rows.

import Foundation
import TeleCore
import TeleDB

enum TableFormatter {
    /// Draws the table.
    ///
    /// - Parameters:
    ///   - row: Returns the values of one row; only the rows shown are requested.
    ///   - maxRows: The rows to show before eliding the middle ones; 0 shows all.
    ///   - maxCellWidth: The display width at which a value is cut off with `…`; 0 never cuts.
    static func format(columns: [ResultColumn], rowCount: Int, row: (Int) -> [Value], maxRows: Int, maxCellWidth: Int)
        -> String
    {
        let shownRows = selectShownRows(count: rowCount, maxRows: maxRows)
        let headers = columns.map { escapeControlCharacters($0.name) }
        let typeNames = columns.map { $0.type.sqlName.lowercased() }
        let cells: [[String]?] = shownRows.map { index in
            index.map { row($0).map { truncate(escapeControlCharacters(ResultFormatter.displayText($0)), to: maxCellWidth) } }
        }

        // Each column is as wide as its widest name, type or shown cell.
        var widths = columns.indices.map { max(displayWidth(headers[$0]), displayWidth(typeNames[$0])) }
        for case let row? in cells {
            for (column, text) in row.enumerated() { widths[column] = max(widths[column], displayWidth(text)) }
        }
        if widths.isEmpty { return "" }

        let footer = footerText(total: rowCount, shown: shownRows.count { $0 != nil }, truncated: shownRows.contains(nil))
        if let footer {
            // The footer spans every column; widen the last column when the footer is wider.
            let inner = widths.reduce(0, +) + 3 * widths.count - 1
            let needed = displayWidth(footer) + 2
            if needed > inner { widths[widths.count - 1] += needed - inner }
        }

        var lines: [String] = []
        lines.append(border(widths, left: "┌", middle: "┬", right: "┐"))
        lines.append(rowLine(headers, widths: widths) { pad($0, to: $1, alignment: .center) })
        lines.append(rowLine(typeNames, widths: widths) { pad($0, to: $1, alignment: .center) })
        lines.append(border(widths, left: "├", middle: "┼", right: "┤"))
        for row in cells {
            if let row {
                lines.append(dataLine(row, columns: columns, widths: widths))
            } else {
                let marks = Array(repeating: "…", count: widths.count)
                lines.append(rowLine(marks, widths: widths) { pad($0, to: $1, alignment: .center) })
            }
        }
        if let footer {
            lines.append(border(widths, left: "├", middle: "┴", right: "┤"))
            let inner = widths.reduce(0, +) + 3 * widths.count - 1
            lines.append("│" + pad(" " + footer, to: inner, alignment: .left) + "│")
            lines.append("└" + String(repeating: "─", count: inner) + "┘")
        } else {
            lines.append(border(widths, left: "└", middle: "┴", right: "┘"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Picks the row indexes to print; nil marks where the elided rows were.
    ///
    /// With `maxRows` > 0 and more rows than that, the first half (rounded up) and the last
    /// half of the limit are shown.
    static func selectShownRows(count: Int, maxRows: Int) -> [Int?] {
        if maxRows <= 0 || count <= maxRows { return Array(0..<count) }
        let head = (maxRows + 1) / 2
        let tail = maxRows - head
        return Array(0..<head) + [nil] + Array((count - tail)..<count)
    }

    private static func footerText(total: Int, shown: Int, truncated: Bool) -> String? {
        if total == 0 { return "0 rows" }
        guard truncated else { return nil }
        return "\(total) rows (\(shown) shown)"
    }

    private static func border(_ widths: [Int], left: String, middle: String, right: String) -> String {
        left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right
    }

    private static func rowLine(_ texts: [String], widths: [Int], pad: (String, Int) -> String) -> String {
        "│" + zip(texts, widths).map { " " + pad($0, $1) + " " }.joined(separator: "│") + "│"
    }

    private static func dataLine(_ row: [String], columns: [ResultColumn], widths: [Int]) -> String {
        var parts: [String] = []
        for (index, text) in row.enumerated() {
            let alignment: Alignment = ResultFormatter.isRightAligned(columns[index].type) ? .right : .left
            parts.append(" " + pad(text, to: widths[index], alignment: alignment) + " ")
        }
        return "│" + parts.joined(separator: "│") + "│"
    }

    enum Alignment { case left, right, center }

    static func pad(_ text: String, to width: Int, alignment: Alignment) -> String {
        let space = max(0, width - displayWidth(text))
        switch alignment {
        case .left: return text + String(repeating: " ", count: space)
        case .right: return String(repeating: " ", count: space) + text
        case .center:
            let left = space / 2
            return String(repeating: " ", count: left) + text + String(repeating: " ", count: space - left)
        }
    }

    /// Cuts `text` to `width` display columns, ending it with `…` when anything was cut.
    static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0, displayWidth(text) > width else { return text }
        var result = ""
        var used = 0
        for character in text {
            let characterWidth = displayWidth(String(character))
            if used + characterWidth > width - 1 { break }
            result.append(character)
            used += characterWidth
        }
        return result + "…"
    }

    /// Replaces line breaks and tabs with their escapes so that one value stays on one line.
    static func escapeControlCharacters(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else { return text }
        return text.replacingOccurrences(of: "\n", with: "\\n")
            .replacingOccurrences(of: "\r", with: "\\r")
            .replacingOccurrences(of: "\t", with: "\\t")
    }

    /// Returns the number of terminal columns `text` takes: two for East Asian wide
    /// characters and emoji, one for every other character.
    ///
    /// NOTE: this is an approximation of Unicode's East Asian Width property over the common
    /// ranges; combining sequences count as one column per grapheme cluster.
    static func displayWidth(_ text: String) -> Int {
        var width = 0
        for character in text {
            guard let scalar = character.unicodeScalars.first?.value else { continue }
            width += isWide(scalar) ? 2 : 1
        }
        return width
    }

    private static func isWide(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
