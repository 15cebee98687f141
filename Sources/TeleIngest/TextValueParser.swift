// Conversion of text fields (from CSV, or JSON strings in NDJSON) to column values, with
// PostgreSQL's input rules where they matter. Booleans accept t/true/yes/on/1 and their
// negatives, and integers must fit the column's width. Surrounding spaces are ignored for
// numbers, booleans and dates, while VARCHAR fields are kept byte for byte.

import TeleCore

/// A failed conversion of a text field. The reader adds the line and column to the message.
struct TextValueFailure: Error {
    var state: SQLState
    /// The problem without position, for example `invalid input syntax for type integer`.
    var problem: String
}

enum TextValueParser {
    /// Parses `field` as a value of `type` and appends it to `builder`.
    static func append(_ field: UnsafeBufferPointer<UInt8>, type: DataType, to builder: inout VectorBuilder)
        throws(TextValueFailure)
    {
        switch type {
        case .varchar:
            builder.appendString(bytes: field)
        case .boolean:
            guard let value = parseBool(trimmed(field)) else { throw syntax(type) }
            builder.appendBool(value)
        case .smallint, .integer, .bigint:
            guard let value = parseInteger(trimmed(field)) else { throw syntax(type) }
            try checkRange(value, type)
            builder.appendInt64(value)
        case .real, .double:
            guard let value = parseDouble(trimmed(field)) else { throw syntax(type) }
            builder.appendDouble(value)
        case .date:
            guard let micros = DateTime.parseTimestamp(bytes: trimmed(field)) else { throw datetime(type) }
            builder.appendInt64(DateTime.floorDiv(micros, DateTime.microsPerDay))
        case .timestamp:
            guard let micros = DateTime.parseTimestamp(bytes: trimmed(field)) else { throw datetime(type) }
            builder.appendInt64(micros)
        case .interval:
            guard let interval = parseInterval(trimmed(field)) else { throw syntax(type) }
            builder.appendInterval(interval)
        case .histogram:
            builder.appendHistogram(try parseHistogram(Array(field)))
        case .null:
            throw TextValueFailure(state: .datatypeMismatch, problem: "a column cannot have type NULL")
        }
    }

    static func checkRange(_ value: Int64, _ type: DataType) throws(TextValueFailure) {
        let inRange: Bool
        switch type {
        case .smallint: inRange = Int64(Int16.min)...Int64(Int16.max) ~= value
        case .integer: inRange = Int64(Int32.min)...Int64(Int32.max) ~= value
        default: inRange = true
        }
        if !inRange {
            throw TextValueFailure(state: .numericValueOutOfRange, problem: "value out of range for type \(type.sqlName)")
        }
    }

    private static func syntax(_ type: DataType) -> TextValueFailure {
        TextValueFailure(state: .invalidTextRepresentation, problem: "invalid input syntax for type \(type.sqlName)")
    }

    private static func datetime(_ type: DataType) -> TextValueFailure {
        TextValueFailure(state: .invalidDatetimeFormat, problem: "invalid input syntax for type \(type.sqlName)")
    }

    static func trimmed(_ field: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = field.count
        while start < end, field[start] == 0x20 || field[start] == 0x09 { start += 1 }
        while end > start, field[end - 1] == 0x20 || field[end - 1] == 0x09 { end -= 1 }
        return UnsafeBufferPointer(rebasing: field[start..<end])
    }

    static func parseBool(_ text: UnsafeBufferPointer<UInt8>) -> Bool? {
        switch String(decoding: text, as: UTF8.self).lowercased() {
        case "t", "true", "y", "yes", "on", "1": return true
        case "f", "false", "n", "no", "off", "0": return false
        default: return nil
        }
    }

    /// Parses an optionally signed decimal integer; nil on any other text or on overflow.
    static func parseInteger(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        var negative = false
        if let first = text.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            index = 1
        }
        guard index < text.count else { return nil }
        var magnitude: UInt64 = 0
        while index < text.count {
            let digit = text[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2 else { return nil }
            magnitude = sum
            index += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return Int64(truncatingIfNeeded: 0 &- magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// Parses a decimal or exponent number, `NaN`, `Infinity` or `-Infinity`.
    static func parseDouble(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        guard !text.isEmpty else { return nil }
        let string = String(decoding: text, as: UTF8.self)
        switch string.lowercased() {
        case "nan": return .nan
        case "infinity", "inf", "+infinity", "+inf": return .infinity
        case "-infinity", "-inf": return -.infinity
        default: break
        }
        // Swift's parser also takes hexadecimal floats and "nan(...)" payloads; allow only
        // digits, signs, a point and an exponent, as SQL does.
        let allowed = text.allSatisfy { byte in
            (byte &- UInt8(ascii: "0")) < 10 || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "+") || byte | 0x20 == UInt8(ascii: "e")
        }
        guard allowed else { return nil }
        return Double(string)
    }

    /// Parses PostgreSQL's interval output form: optional `N year(s)`, `N mon(s)`/`month(s)`,
    /// `N day(s)`, `N hour(s)`, `N minute(s)`, `N second(s)` parts and an optional
    /// `[-]HH:MM:SS[.ffffff]` clock.
    static func parseInterval(_ text: UnsafeBufferPointer<UInt8>) -> Interval? {
        let words = String(decoding: text, as: UTF8.self).lowercased().split(separator: " ")
        guard !words.isEmpty else { return nil }
        var interval = Interval()
        var index = 0
        while index < words.count {
            let word = words[index]
            if word.contains(":") {
                guard let micros = parseClock(word) else { return nil }
                interval.micros += micros
                index += 1
                continue
            }
            guard let amount = Int64(word), index + 1 < words.count else { return nil }
            let unit = words[index + 1]
            switch unit {
            case "year", "years": interval.months += Int32(clamping: amount * 12)
            case "mon", "mons", "month", "months": interval.months += Int32(clamping: amount)
            case "day", "days": interval.days += Int32(clamping: amount)
            case "hour", "hours": interval.micros += amount * 3_600_000_000
            case "minute", "minutes", "min", "mins": interval.micros += amount * 60_000_000
            case "second", "seconds", "sec", "secs": interval.micros += amount * 1_000_000
            default: return nil
            }
            index += 2
        }
        return interval
    }

    private static func parseClock(_ word: Substring) -> Int64? {
        var text = word
        var sign: Int64 = 1
        if text.hasPrefix("-") {
            sign = -1
            text = text.dropFirst()
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, let hours = Int64(parts[0]), let minutes = Int64(parts[1]) else {
            return nil
        }
        var micros = (hours * 3600 + minutes * 60) * 1_000_000
        if parts.count == 3 {
            guard let seconds = Double(parts[2]), seconds >= 0, seconds < 60 else { return nil }
            micros += Int64((seconds * 1_000_000).rounded())
        }
        return sign * micros
    }

    /// Parses a histogram written as JSON, in the form a ping sends (`histogram_type`) or
    /// the form TeleDB prints (`kind` by name, optional `submissions`).
    static func parseHistogram(_ bytes: [UInt8]) throws(TextValueFailure) -> Histogram {
        let document: JSONDocument
        do {
            document = try JSONParser().parse(bytes)
        } catch {
            throw TextValueFailure(state: .invalidTextRepresentation, problem: "invalid input syntax for type HISTOGRAM")
        }
        return try HistogramReader.parseValue(document, document.root)
    }
}
