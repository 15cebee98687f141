// String functions. Lengths and positions count characters (Unicode scalars of the UTF-8
// text), as PostgreSQL does for UTF-8 databases; comparisons inside them are bytewise.

import TeleCore

extension ScalarFunctionRegistry {
    static func registerStringFunctions(into catalog: inout [String: [FunctionOverload]]) {
        catalog["length"] = [
            FunctionOverload(parameters: [.varchar], returnType: .integer) { arguments, count in
                try rowKernel(arguments, count: count, returnType: .integer) { values in
                    .integer(Int64(values[0].stringValue.unicodeScalars.count))
                }
            }
        ]
        catalog["octet_length"] = [
            FunctionOverload(parameters: [.varchar], returnType: .integer) { arguments, count in
                try rowKernel(arguments, count: count, returnType: .integer) { values in
                    .integer(Int64(values[0].stringValue.utf8.count))
                }
            }
        ]
        catalog["lower"] = [text1 { .string($0.lowercased()) }]
        catalog["upper"] = [text1 { .string($0.uppercased()) }]
        catalog["reverse"] = [text1 { .string(String(String.UnicodeScalarView($0.unicodeScalars.reversed()))) }]
        catalog["md5"] = [text1 { .string(MD5.hexDigest(Array($0.utf8))) }]
        for (name, leading, trailing) in [("trim", true, true), ("btrim", true, true), ("ltrim", true, false), ("rtrim", false, true)] {
            catalog[name] = [
                text1 { .string(trim($0, characters: " ", leading: leading, trailing: trailing)) },
                text2 { .string(trim($0, characters: $1, leading: leading, trailing: trailing)) },
            ]
        }
        catalog["substr"] = [
            FunctionOverload(parameters: [.varchar, .bigint], returnType: .varchar) { arguments, count in
                try rowKernel(arguments, count: count, returnType: .varchar) { values in
                    .string(try substring(values[0].stringValue, start: values[1].int64Value, length: nil))
                }
            },
            FunctionOverload(parameters: [.varchar, .bigint, .bigint], returnType: .varchar) { arguments, count in
                try rowKernel(arguments, count: count, returnType: .varchar) { values in
                    .string(try substring(values[0].stringValue, start: values[1].int64Value, length: values[2].int64Value))
                }
            },
        ]
        catalog["left"] = [textInt { text, n in
            let scalars = Array(text.unicodeScalars)
            let keep = keptCount(n, of: scalars.count)
            return .string(String(String.UnicodeScalarView(scalars.prefix(keep))))
        }]
        catalog["right"] = [textInt { text, n in
            let scalars = Array(text.unicodeScalars)
            let keep = keptCount(n, of: scalars.count)
            return .string(String(String.UnicodeScalarView(scalars.suffix(keep))))
        }]
        catalog["repeat"] = [textInt { text, n in
            let (total, overflow) = Int64(text.utf8.count).multipliedReportingOverflow(by: max(n, 0))
            if overflow || total > 1 << 30 {
                throw TeleError(.programLimitExceeded, "requested length too large", hint: "Use a smaller repeat count.")
            }
            return .string(String(repeating: text, count: max(Int(n), 0)))
        }]
        catalog["replace"] = [
            FunctionOverload(parameters: [.varchar, .varchar, .varchar], returnType: .varchar) { arguments, count in
                try stringKernel(arguments, count: count) { values in
                    .string(replaceAll(values[0], values[1], with: values[2]))
                }
            }
        ]
        catalog["starts_with"] = [
            FunctionOverload(parameters: [.varchar, .varchar], returnType: .boolean) { arguments, count in
                try rowKernel(arguments, count: count, returnType: .boolean) { values in
                    .boolean(values[0].stringValue.utf8.starts(with: values[1].stringValue.utf8))
                }
            }
        ]
        // position(substring IN string) arrives as position(substring, string); strpos takes
        // (string, substring) as in PostgreSQL.
        catalog["position"] = [positionOverload(substringFirst: true)]
        catalog["strpos"] = [positionOverload(substringFirst: false)]
        for (name, padLeft) in [("lpad", true), ("rpad", false)] {
            catalog[name] = [
                FunctionOverload(parameters: [.varchar, .bigint], returnType: .varchar) { arguments, count in
                    try rowKernel(arguments, count: count, returnType: .varchar) { values in
                        .string(try pad(values[0].stringValue, to: values[1].int64Value, with: " ", left: padLeft))
                    }
                },
                FunctionOverload(parameters: [.varchar, .bigint, .varchar], returnType: .varchar) { arguments, count in
                    try rowKernel(arguments, count: count, returnType: .varchar) { values in
                        .string(try pad(values[0].stringValue, to: values[1].int64Value, with: values[2].stringValue, left: padLeft))
                    }
                },
            ]
        }
        catalog["split_part"] = [
            FunctionOverload(parameters: [.varchar, .varchar, .bigint], returnType: .varchar) { arguments, count in
                try rowKernel(arguments, count: count, returnType: .varchar) { values in
                    .string(try splitPart(values[0].stringValue, values[1].stringValue, values[2].int64Value))
                }
            }
        ]
        catalog["concat"] = [
            FunctionOverload(parameters: [.varchar], isVariadic: true, returnType: .varchar) { arguments, count in
                try rowKernel(arguments, count: count, returnType: .varchar, strict: false) { values in
                    .string(values.compactMap(\.text).joined())
                }
            }
        ]
        catalog["concat_ws"] = [
            FunctionOverload(parameters: [.varchar, .varchar], isVariadic: true, returnType: .varchar) { arguments, count in
                try rowKernel(arguments, count: count, returnType: .varchar, strict: false) { values in
                    guard let separator = values.first?.text else { return .null }
                    return .string(values.dropFirst().compactMap(\.text).joined(separator: separator))
                }
            }
        ]
    }

    static func text1(_ body: @escaping @Sendable (String) throws -> Value) -> FunctionOverload {
        FunctionOverload(parameters: [.varchar], returnType: .varchar) { arguments, count in
            try stringKernel(arguments, count: count) { try body($0[0]) }
        }
    }

    static func text2(_ body: @escaping @Sendable (String, String) throws -> Value) -> FunctionOverload {
        FunctionOverload(parameters: [.varchar, .varchar], returnType: .varchar) { arguments, count in
            try stringKernel(arguments, count: count) { try body($0[0], $0[1]) }
        }
    }

    /// Returns how many characters left() or right() keep of `count`: `n` of them, or all but
    /// `-n` when `n` is negative.
    static func keptCount(_ n: Int64, of count: Int) -> Int {
        if n >= 0 { return Int(min(n, Int64(count))) }
        return Int(max(Int64(count) + max(n, -Int64(count)), 0))
    }

    static func textInt(_ body: @escaping @Sendable (String, Int64) throws -> Value) -> FunctionOverload {
        FunctionOverload(parameters: [.varchar, .bigint], returnType: .varchar) { arguments, count in
            try rowKernel(arguments, count: count, returnType: .varchar) { values in
                try body(values[0].stringValue, values[1].int64Value)
            }
        }
    }

    static func positionOverload(substringFirst: Bool) -> FunctionOverload {
        FunctionOverload(parameters: [.varchar, .varchar], returnType: .integer) { arguments, count in
            try rowKernel(arguments, count: count, returnType: .integer) { values in
                let needle = values[substringFirst ? 0 : 1].stringValue
                let haystack = values[substringFirst ? 1 : 0].stringValue
                return .integer(Int64(position(of: needle, in: haystack)))
            }
        }
    }

    /// Returns the 1-based character position of `needle` in `haystack`, or 0 when absent.
    static func position(of needle: String, in haystack: String) -> Int {
        let target = Array(needle.utf8)
        let bytes = Array(haystack.utf8)
        if target.isEmpty { return 1 }
        guard bytes.count >= target.count else { return 0 }
        for start in 0...(bytes.count - target.count) where bytes[start..<(start + target.count)].elementsEqual(target) {
            // Count characters before the match: bytes that do not continue a UTF-8 sequence.
            return bytes[..<start].filter { $0 & 0xC0 != 0x80 }.count + 1
        }
        return 0
    }

    static func trim(_ text: String, characters: String, leading: Bool, trailing: Bool) -> String {
        let set = Set(characters.unicodeScalars)
        var scalars = Array(text.unicodeScalars)[...]
        if leading { while let first = scalars.first, set.contains(first) { scalars = scalars.dropFirst() } }
        if trailing { while let last = scalars.last, set.contains(last) { scalars = scalars.dropLast() } }
        return String(String.UnicodeScalarView(scalars))
    }

    /// SQL substring: characters from 1-based `start`, `length` of them; positions before 1
    /// count against the length as in PostgreSQL.
    static func substring(_ text: String, start: Int64, length: Int64?) throws -> String {
        let scalars = Array(text.unicodeScalars)
        var end = Int64(scalars.count) + 1
        if let length {
            if length < 0 {
                throw TeleError(
                    SQLState("22011"), "negative substring length not allowed", hint: "Pass a length of 0 or more.")
            }
            let (sum, overflow) = start.addingReportingOverflow(length)
            end = overflow ? Int64.max : min(sum, end)
        }
        let from = max(start, 1)
        guard from < end, from <= Int64(scalars.count) else { return "" }
        return String(String.UnicodeScalarView(scalars[Int(from - 1)..<Int(end - 1)]))
    }

    static func replaceAll(_ text: String, _ target: String, with replacement: String) -> String {
        if target.isEmpty { return text }
        let bytes = Array(text.utf8)
        let pattern = Array(target.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if index + pattern.count <= bytes.count, bytes[index..<(index + pattern.count)].elementsEqual(pattern) {
                result.append(contentsOf: replacement.utf8)
                index += pattern.count
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    static func pad(_ text: String, to length: Int64, with fill: String, left: Bool) throws -> String {
        // PostgreSQL caps a text value at 1 GB; a longer target is an error, not a silent cut.
        if length > 1 << 28 {
            throw TeleError(.programLimitExceeded, "requested length too large", hint: "Pad to at most 268435456 characters.")
        }
        let scalars = Array(text.unicodeScalars)
        let target = Int(max(length, 0))
        if scalars.count >= target { return String(String.UnicodeScalarView(scalars.prefix(target))) }
        let filler = Array(fill.unicodeScalars)
        if filler.isEmpty { return text }
        let padding = (0..<(target - scalars.count)).map { filler[$0 % filler.count] }
        let combined = left ? padding + scalars : scalars + padding
        return String(String.UnicodeScalarView(combined))
    }

    static func splitPart(_ text: String, _ delimiter: String, _ field: Int64) throws -> String {
        if field == 0 {
            throw TeleError(
                .invalidParameterValue, "field position must not be zero", hint: "Fields are numbered from 1.")
        }
        let parts: [String]
        if delimiter.isEmpty {
            parts = [text]
        } else {
            parts = text.splitBytes(delimiter)
        }
        // Negative fields count from the end; clamp first so that extreme values cannot overflow.
        let clamped = Int(max(min(field, 1 << 40), -(1 << 40)))
        let index = clamped > 0 ? clamped - 1 : parts.count + clamped
        return index >= 0 && index < parts.count ? parts[index] : ""
    }
}

extension String {
    /// Splits on every occurrence of `separator`, comparing bytes, keeping empty parts.
    func splitBytes(_ separator: String) -> [String] {
        let bytes = Array(utf8)
        let pattern = Array(separator.utf8)
        var parts: [String] = []
        var start = 0
        var index = 0
        while index + pattern.count <= bytes.count {
            if bytes[index..<(index + pattern.count)].elementsEqual(pattern) {
                parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
                index += pattern.count
                start = index
            } else {
                index += 1
            }
        }
        parts.append(String(decoding: bytes[start...], as: UTF8.self))
        return parts
    }
}
