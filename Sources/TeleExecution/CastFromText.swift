// Parsing text into every other type, for CAST(text AS type) and string literals.
// Leading and trailing spaces are ignored as PostgreSQL ignores them.

import TeleCore

extension Cast {
    static func castFromText(_ vector: Vector, to type: DataType) throws -> Vector {
        if case .constant(let value) = vector.storage {
            guard case .string(let text) = value else { return Vector.constant(.null, type: type, count: vector.count) }
            return Vector.constant(try parse(text, as: type), type: type, count: vector.count)
        }
        var builder = VectorAccumulator(type: type)
        // A dictionary vector parses each entry once.
        var parsedEntries: [Value]? = nil
        if case .dictionary(_, let dictionary) = vector.storage {
            parsedEntries = try (0..<dictionary.count).map { try parse(dictionary[$0], as: type) }
        }
        for row in 0..<vector.count {
            if vector.isNull(row) {
                builder.appendNull()
                continue
            }
            switch vector.storage {
            case .dictionary(let codes, _): builder.append(parsedEntries![Int(codes[row])])
            case .string(let column): builder.append(try parse(column[row], as: type))
            default: builder.appendNull()
            }
        }
        return builder.finish()
    }

    /// Parses one text value as `type`.
    ///
    /// - Throws: `TeleError` 22P02 (22007 for dates and times) naming the text and the type,
    ///   or 22003 when an integer is out of range.
    public static func parse(_ text: String, as type: DataType) throws -> Value {
        let trimmed = text.trimmingSpaces()
        switch type {
        case .varchar: return .string(text)
        case .null: return .null
        case .smallint, .integer, .bigint: return .integer(try parseInteger(trimmed, original: text, type: type))
        case .real, .double:
            guard let number = parseDouble(trimmed) else { throw invalidSyntax(text, type) }
            if type == .real, abs(number) > Double(Float.greatestFiniteMagnitude), number.isFinite {
                throw TeleError(.numericValueOutOfRange, "\"\(text)\" is out of range for type real")
            }
            return .double(type == .real ? Double(Float(number)) : number)
        case .boolean:
            guard let flag = parseBoolean(trimmed) else { throw invalidSyntax(text, type) }
            return .boolean(flag)
        case .date:
            guard let days = DateTime.parseDate(trimmed) else { throw invalidDatetime(text, type) }
            return .date(days)
        case .timestamp:
            guard let micros = DateTime.parseTimestamp(trimmed) else { throw invalidDatetime(text, type) }
            return .timestamp(micros)
        case .interval:
            guard let interval = parseInterval(trimmed) else { throw invalidDatetime(text, type) }
            return .interval(interval)
        case .histogram:
            throw TeleError(
                .cannotCoerce, "cannot cast type varchar to histogram",
                hint: "Histograms come from ingested telemetry; they cannot be written as text.")
        }
    }

    static func invalidSyntax(_ text: String, _ type: DataType) -> TeleError {
        TeleError(
            .invalidTextRepresentation, "invalid input syntax for type \(typeWord(type)): \"\(text)\"",
            hint: "Check that the value is a valid \(type.sqlName).")
    }

    static func invalidDatetime(_ text: String, _ type: DataType) -> TeleError {
        let example = type == .interval ? "'1 day 02:00:00'" : (type == .date ? "'2024-01-31'" : "'2024-01-31 12:00:00'")
        return TeleError(
            .invalidDatetimeFormat, "invalid input syntax for type \(typeWord(type)): \"\(text)\"",
            hint: "Write the value like \(example).")
    }

    /// The lowercase type name PostgreSQL uses in messages.
    static func typeWord(_ type: DataType) -> String {
        switch type {
        case .double: return "double precision"
        case .timestamp: return "timestamp"
        default: return type.sqlName.lowercased()
        }
    }

    static func parseInteger(_ text: String, original: String, type: DataType) throws -> Int64 {
        var bytes = Array(text.utf8)[...]
        var negative = false
        if let first = bytes.first, first == 0x2B || first == 0x2D {
            negative = first == 0x2D
            bytes = bytes.dropFirst()
        }
        guard !bytes.isEmpty else { throw invalidSyntax(original, type) }
        var magnitude: UInt64 = 0
        var overflow = false
        for byte in bytes {
            guard byte >= 0x30 && byte <= 0x39 else { throw invalidSyntax(original, type) }
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(byte - 0x30))
            overflow = overflow || o1 || o2
            magnitude = sum
        }
        let limit: UInt64 = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        let range = integerRange(type)
        if overflow || magnitude > limit {
            throw TeleError(.numericValueOutOfRange, "value \"\(original)\" is out of range for type \(typeWord(type))")
        }
        let value = negative ? Int64(bitPattern: 0 &- magnitude) : Int64(magnitude)
        guard range.contains(value) else {
            throw TeleError(.numericValueOutOfRange, "value \"\(original)\" is out of range for type \(typeWord(type))")
        }
        return value
    }

    static func parseDouble(_ text: String) -> Double? {
        switch text.lowercased() {
        case "nan": return .nan
        case "infinity", "+infinity", "inf", "+inf": return .infinity
        case "-infinity", "-inf": return -.infinity
        default: break
        }
        // Swift's parser accepts hexadecimal floats and "nan" spellings PostgreSQL rejects.
        guard !text.isEmpty, text.utf8.allSatisfy({ "0123456789.eE+-".utf8.contains($0) }) else { return nil }
        return Double(text)
    }

    static func parseBoolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "t", "true", "y", "yes", "on", "1": return true
        case "f", "false", "n", "no", "off", "0": return false
        default: return nil
        }
    }

    /// Parses `[n unit]... [[-]hh:mm[:ss[.ffffff]]]`, with units from microseconds to years
    /// in singular, plural or abbreviated form (`1 year 2 mons 3 days 04:05:06`, `90 minutes`).
    static func parseInterval(_ text: String) -> Interval? {
        var result = Interval()
        let words = text.lowercased().split(separator: " ").map(String.init)
        guard !words.isEmpty else { return nil }
        var index = 0
        while index < words.count {
            let word = words[index]
            if word.contains(":") {
                guard let micros = parseClock(word) else { return nil }
                result.micros += micros
                index += 1
                continue
            }
            // A number, and its unit either attached ("3h") or as the next word.
            let digits = word.prefix { "0123456789.+-".contains($0) }
            guard let amount = Double(digits) else { return nil }
            var unit = String(word.dropFirst(digits.count))
            if unit.isEmpty {
                index += 1
                unit = index < words.count ? words[index] : "second"
            }
            guard addUnit(amount, unit, to: &result) else { return nil }
            index += 1
        }
        return result
    }

    private static func addUnit(_ amount: Double, _ unit: String, to interval: inout Interval) -> Bool {
        // Amounts beyond what the fields can hold make the text invalid instead of trapping.
        guard amount.isFinite, abs(amount) < 1e9 else { return false }
        let name = unit.hasSuffix("s") && unit.count > 1 && unit != "s" && unit != "ms" && unit != "us"
            ? String(unit.dropLast()) : unit
        switch name {
        case "year", "yr", "y": interval.months += Int32(amount * 12)
        case "month", "mon": interval.months += Int32(amount)
        case "week", "w": interval.days += Int32(amount * 7)
        case "day", "d": interval.days += Int32(amount)
        case "hour", "hr", "h": interval.micros += Int64(amount * 3_600_000_000)
        case "minute", "min", "m": interval.micros += Int64(amount * 60_000_000)
        case "second", "sec", "s": interval.micros += Int64((amount * 1_000_000).rounded())
        case "millisecond", "msec", "ms": interval.micros += Int64((amount * 1000).rounded())
        case "microsecond", "usec", "us": interval.micros += Int64(amount)
        default: return false
        }
        return true
    }

    private static func parseClock(_ word: String) -> Int64? {
        var text = Substring(word)
        var sign: Int64 = 1
        if text.hasPrefix("-") {
            sign = -1
            text = text.dropFirst()
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, let hours = Int64(parts[0]), let minutes = Int64(parts[1]),
            (-999_999_999...999_999_999).contains(hours), (-999_999_999...999_999_999).contains(minutes)
        else {
            return nil
        }
        var micros = (hours * 3600 + minutes * 60) * 1_000_000
        if parts.count == 3 {
            guard let seconds = Double(parts[2]), seconds.isFinite, abs(seconds) < 1e12 else { return nil }
            micros += Int64((seconds * 1_000_000).rounded())
        }
        return sign * micros
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingSpaces() -> String {
        let bytes = Array(utf8)
        var start = 0
        var end = bytes.count
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        while start < end && isSpace(bytes[start]) { start += 1 }
        while end > start && isSpace(bytes[end - 1]) { end -= 1 }
        if start == 0 && end == bytes.count { return self }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
