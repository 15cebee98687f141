// Functions over arrays written as text in PostgreSQL's array output form, `{a,b,"c d"}`.
// TeleDB has no array type: the catalog emulation keeps array columns (such as datacl or
// polroles) as this text, and these functions read it. Only one-dimensional arrays are
// understood; an element is unquoted, or double-quoted with backslash escapes.

import Foundation
import TeleCore

extension ScalarFunctionRegistry {
    static func registerArrayTextFunctions(into catalog: inout [String: [FunctionOverload]]) {
        catalog["array_to_string"] = [
            FunctionOverload(parameters: [.varchar, .varchar], returnType: .varchar) { arguments, count in
                try rowKernel(arguments, count: count, returnType: .varchar) { values in
                    let elements = PGArrayText.elements(of: values[0].stringValue).compactMap { $0 }
                    return .string(elements.joined(separator: values[1].stringValue))
                }
            },
            FunctionOverload(parameters: [.varchar, .varchar, .varchar], returnType: .varchar) { arguments, count in
                try rowKernel(arguments, count: count, returnType: .varchar) { values in
                    let elements = PGArrayText.elements(of: values[0].stringValue).map { $0 ?? values[2].stringValue }
                    return .string(elements.joined(separator: values[1].stringValue))
                }
            },
        ]

        // `needle = ANY (array)`: NULL when the array is NULL, or contains a NULL and no match,
        // as in PostgreSQL.
        catalog["pg_array_contains"] = [
            FunctionOverload(parameters: [.varchar, .varchar], returnType: .boolean) { arguments, count in
                try rowKernel(arguments, count: count, returnType: .boolean) { values in
                    let elements = PGArrayText.elements(of: values[0].stringValue)
                    if elements.contains(values[1].stringValue) { return .boolean(true) }
                    return elements.contains(nil) ? .null : .boolean(false)
                }
            }
        ]

        catalog["array_element"] = [
            FunctionOverload(parameters: [.varchar, .bigint], returnType: .varchar) { arguments, count in
                try rowKernel(arguments, count: count, returnType: .varchar) { values in
                    let elements = PGArrayText.elements(of: values[0].stringValue)
                    let index = values[1].int64Value
                    guard index >= 1, index <= elements.count, let element = elements[Int(index) - 1] else { return .null }
                    return .string(element)
                }
            }
        ]

        for name in ["array_upper", "array_length"] {
            catalog[name] = [
                FunctionOverload(parameters: [.varchar, .integer], returnType: .integer) { arguments, count in
                    try rowKernel(arguments, count: count, returnType: .integer) { values in
                        let elements = PGArrayText.elements(of: values[0].stringValue)
                        guard values[1].int64Value == 1, !elements.isEmpty else { return .null }
                        return .integer(Int64(elements.count))
                    }
                }
            ]
        }

        catalog["array_lower"] = [
            FunctionOverload(parameters: [.varchar, .integer], returnType: .integer) { arguments, count in
                try rowKernel(arguments, count: count, returnType: .integer) { values in
                    let elements = PGArrayText.elements(of: values[0].stringValue)
                    return values[1].int64Value == 1 && !elements.isEmpty ? .integer(1) : .null
                }
            }
        ]


        catalog["quote_ident"] = [text1 { .string(PGArrayText.quoteIdentifier($0)) }]
        // string_to_array(text, delimiter): an empty text gives an empty array, and an empty
        // delimiter makes the whole text one element, as in PostgreSQL.
        catalog["string_to_array"] = [text2 { text, delimiter in
            if text.isEmpty { return .string("{}") }
            if delimiter.isEmpty { return .string(PGArrayText.text(of: [text])) }
            let parts = text.components(separatedBy: delimiter)
            return .string(PGArrayText.text(of: parts))
        }]
        catalog["pg_size_pretty"] = [
            FunctionOverload(parameters: [.bigint], returnType: .varchar) { arguments, count in
                try rowKernel(arguments, count: count, returnType: .varchar) { values in
                    .string(PGArrayText.prettySize(values[0].int64Value))
                }
            }
        ]
    }
}

/// Reading and writing PostgreSQL's text form of one-dimensional arrays.
public enum PGArrayText {
    /// Splits `{a,"b c",NULL}` into its elements, with nil for an unquoted NULL. Text without
    /// braces is read as a one-element array, so a scalar compares like `ARRAY[scalar]`.
    public static func elements(of text: String) -> [String?] {
        let scalars = Array(text.unicodeScalars)
        guard scalars.first == "{", scalars.last == "}" else { return [text] }
        var elements: [String?] = []
        var index = 1
        let end = scalars.count - 1
        if index == end { return [] }
        while index <= end {
            var element = String.UnicodeScalarView()
            var quoted = false
            if index < end, scalars[index] == "\"" {
                quoted = true
                index += 1
                while index < end, scalars[index] != "\"" {
                    if scalars[index] == "\\", index + 1 < end { index += 1 }
                    element.append(scalars[index])
                    index += 1
                }
                index += 1
            }
            while index < end, scalars[index] != "," {
                element.append(scalars[index])
                index += 1
            }
            let value = String(element)
            elements.append(!quoted && value.uppercased() == "NULL" ? nil : (quoted ? value : value.strippingArraySpaces))
            index += 1
        }
        return elements
    }

    /// Writes elements in array text form, quoting those that need it.
    public static func text(of elements: [String?]) -> String {
        let parts = elements.map { element -> String in
            guard let element else { return "NULL" }
            let needsQuotes = element.isEmpty || element.uppercased() == "NULL"
                || element.unicodeScalars.contains { ",{}\"\\ ".unicodeScalars.contains($0) }
            guard needsQuotes else { return element }
            let escaped = element.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"" + escaped + "\""
        }
        return "{" + parts.joined(separator: ",") + "}"
    }

    /// Formats a byte count as PostgreSQL 15's pg_size_pretty() does: bytes below 10240,
    /// then the first of kB, MB, GB, TB and PB whose value stays below 10240, rounded half
    /// away from zero.
    public static func prettySize(_ bytes: Int64) -> String {
        let limit: Int64 = 10 * 1024
        if abs(bytes) < limit { return "\(bytes) bytes" }
        // The value keeps one extra low bit, so it is compared with twice the limit and then
        // halved with rounding.
        var size = bytes >> 9
        for unit in ["kB", "MB", "GB", "TB"] {
            if abs(size) < limit * 2 - 1 { return "\((size + (size < 0 ? -1 : 1)) / 2) \(unit)" }
            size >>= 10
        }
        return "\((size + (size < 0 ? -1 : 1)) / 2) PB"
    }

    /// Double-quotes an identifier unless it is lower-case letters, digits and underscores
    /// that do not start with a digit, as PostgreSQL's quote_ident does.
    public static func quoteIdentifier(_ name: String) -> String {
        let plain = !name.isEmpty && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
            && !("0"..."9").contains(name.unicodeScalars.first ?? "0")
        return plain ? name : "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

private extension String {
    var strippingArraySpaces: String {
        var scalars = Substring(self).unicodeScalars
        while scalars.first == " " { scalars.removeFirst() }
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }
}

extension TableFunctionRegistry {
    /// generate_series(start, stop [, step]) over integers, one row per value, in a column
    /// named `columnName`. The binder packs the arguments into one text argument,
    /// `start,stop,step`, because a table function takes one value.
    ///
    /// - Throws: `TeleError` 22023 for a zero step, 54000 past ten million rows.
    public static func generateSeries(columnName: String) -> TableFunction {
        TableFunction(name: "generate_series", argumentType: .varchar, columnNames: [columnName], columnTypes: [.bigint]) {
            value in
            guard case .string(let packed) = value else { return [] }
            let bounds = packed.split(separator: ",", omittingEmptySubsequences: false).map { Int64($0) }
            guard bounds.count == 3, let start = bounds[0], let stop = bounds[1], let step = bounds[2] else { return [] }
            guard step != 0 else {
                throw TeleError(SQLState("22023"), "step size cannot equal zero", hint: "Pass a positive or negative step.")
            }
            let (span, overflow) = stop.subtractingReportingOverflow(start)
            let count = overflow ? Int64.max : (span / step) + 1
            if count > 10_000_000 {
                throw TeleError(
                    SQLState("54000"), "generate_series would return \(count) rows, more than 10000000",
                    hint: "Narrow the range or raise the step.")
            }
            guard count > 0 else { return [] }
            return (0..<count).map { [.integer(start &+ $0 &* step)] }
        }
    }
}
