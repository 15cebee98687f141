// Turning query results into sqllogictest's text values and comparing them with the
// expected block.
//
// Each value prints by its column's type letter: `I` as an integer (a double truncates
// toward zero, a boolean is 0 or 1), `R` with three decimals, `T` as text. NULL prints as
// `NULL` and the empty string as `(empty)`. Expected values may be written one per line,
// as the original corpus does, or one row per line with the values separated by spaces or
// tabs.

import Foundation
import TeleCore

public enum SQLLogicTestResults {
    /// Formats `value` for a column of type letter `type` (`I`, `R` or `T`).
    public static func format(_ value: Value, type: Character) -> String {
        switch value {
        case .null: return "NULL"
        case .string(let text) where text.isEmpty: return "(empty)"
        default: break
        }
        switch type {
        case "I": return integerText(value)
        case "R": return realText(value)
        default: return value.text ?? "NULL"
        }
    }

    private static func integerText(_ value: Value) -> String {
        switch value {
        case .integer(let number): return String(number)
        case .boolean(let flag): return flag ? "1" : "0"
        case .double(let number):
            // Truncation toward zero, as the C runner's integer conversion does; doubles
            // outside Int64's range or NaN cannot truncate and keep their text.
            if number.isFinite, number > -9.2e18, number < 9.2e18 { return String(Int64(number.rounded(.towardZero))) }
            return Value.formatDouble(number)
        default: return value.text ?? "NULL"
        }
    }

    private static func realText(_ value: Value) -> String {
        switch value {
        case .integer(let number): return String(format: "%.3f", Double(number))
        case .double(let number): return String(format: "%.3f", number)
        case .boolean(let flag): return flag ? "1.000" : "0.000"
        default: return value.text ?? "NULL"
        }
    }

    /// Formats `rows` by the type letters and orders them by `sort`.
    ///
    /// - Returns: One array of value texts per row; for `valuesort` the values are sorted
    ///   individually and the row boundaries no longer mean anything.
    public static func formatRows(_ rows: [[Value]], types: String, sort: SortMode) -> [[String]] {
        let letters = Array(types)
        var texts = rows.map { row in
            row.enumerated().map { index, value in format(value, type: index < letters.count ? letters[index] : "T") }
        }
        switch sort {
        case .nosort:
            break
        case .rowsort:
            texts.sort { left, right in left.lexicographicallyPrecedes(right, by: precedesBytewise) }
        case .valuesort:
            let values = texts.flatMap { $0 }.sorted(by: precedesBytewise)
            let width = max(1, texts.first?.count ?? 1)
            texts = stride(from: 0, to: values.count, by: width).map { Array(values[$0..<min($0 + width, values.count)]) }
        }
        return texts
    }

    /// Orders strings by their UTF-8 bytes, as C's `strcmp` does.
    static func precedesBytewise(_ left: String, _ right: String) -> Bool {
        left.utf8.lexicographicallyPrecedes(right.utf8)
    }

    /// Computes the MD5 of every value followed by a newline, as sqllogictest does.
    public static func hash(_ rows: [[String]]) -> String {
        var bytes: [UInt8] = []
        for row in rows {
            for value in row {
                bytes.append(contentsOf: value.utf8)
                bytes.append(0x0A)
            }
        }
        return MD5.hexDigest(bytes)
    }

    /// Compares actual rows with the expected block.
    ///
    /// - Returns: nil when they match, or a message describing the difference.
    public static func mismatch(actual rows: [[String]], expected: ExpectedResult) -> String? {
        let values = rows.flatMap { $0 }
        switch expected {
        case .hash(let count, let md5):
            let actualHash = hash(rows)
            if values.count != count || actualHash != md5 {
                return "expected \(count) values hashing to \(md5), got \(values.count) values hashing to \(actualHash)"
            }
            return nil
        case .lines(let lines):
            // One value per line, the original corpus's layout.
            if lines.count == values.count, lines == values { return nil }
            // One row per line, the values separated by spaces or tabs.
            let rowLines = rows.map { $0.joined(separator: " ") }
            let normalized = lines.map { $0.replacingOccurrences(of: "\t", with: " ") }
            if normalized == rowLines { return nil }
            return "expected \(lines.count) lines, got \(rows.count) rows of \(rows.first?.count ?? 0) values"
        }
    }

    /// Lays out the actual values like the expected block, for failure reports.
    public static func render(actual rows: [[String]], expected: ExpectedResult, threshold: Int) -> [String] {
        let values = rows.flatMap { $0 }
        if case .hash = expected {
            return ["\(values.count) values hashing to \(hash(rows))"]
        }
        if case .lines(let lines) = expected, lines.count == values.count, rows.first.map({ $0.count > 1 }) ?? false,
            lines.count != rows.count
        {
            return values
        }
        if threshold > 0, values.count > threshold, case .lines(let lines) = expected, lines.isEmpty {
            return ["\(values.count) values hashing to \(hash(rows))"]
        }
        return rows.map { $0.joined(separator: " ") }
    }
}
