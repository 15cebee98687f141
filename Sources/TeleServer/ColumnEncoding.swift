// Result values in PostgreSQL's text and binary formats, encoded a column at a time.
//
// A chunk's vectors are encoded column by column into one byte buffer each, in a loop over
// the vector's typed array; DataRow messages then copy the cells row by row. This keeps the
// per-type switch out of the per-cell path.
//
// Text format is what PostgreSQL 15 prints: booleans `t`/`f`, shortest round-trip floats,
// `YYYY-MM-DD HH:MM:SS[.ffffff]` timestamps. Binary format follows PostgreSQL's send
// functions: big-endian integers and IEEE floats, dates as days and timestamps as
// microseconds since 2000-01-01, intervals as microseconds, days and months.

import TeleCore

/// The cells of one column of a chunk: cell i is `bytes[offsets[i] ..< offsets[i + 1]]`, or
/// NULL where `validity` marks the row invalid.
struct EncodedColumn {
    var bytes: [UInt8] = []
    var offsets: [Int] = [0]
    var validity: ValidityMask

    func isNull(_ row: Int) -> Bool { !validity.isValid(row) }
}

enum ColumnEncoding {
    /// Encodes every row of `vector` in the text (`binary == false`) or binary format.
    static func encode(_ vector: Vector, binary: Bool) -> EncodedColumn {
        let flat = vector.flattened()
        var column = EncodedColumn(validity: flat.validity)
        column.offsets.reserveCapacity(flat.count + 1)
        switch flat.storage {
        case .bool(let values):
            encodeBooleans(values, binary: binary, into: &column)
        case .int64(let values):
            encodeIntegers(values, type: flat.type, binary: binary, into: &column)
        case .double(let values):
            encodeFloats(values, single: flat.type == .real, binary: binary, into: &column)
        case .string(let strings):
            column.bytes = strings.bytes
            column.offsets = strings.offsets.map { Int($0) }
        case .interval(let values):
            for value in values {
                if binary {
                    appendBigEndian(value.micros, to: &column.bytes)
                    appendBigEndian(value.days, to: &column.bytes)
                    appendBigEndian(value.months, to: &column.bytes)
                } else {
                    column.bytes.append(contentsOf: value.description.utf8)
                }
                column.offsets.append(column.bytes.count)
            }
        case .histogram(let values):
            // json has the same text and binary form.
            for value in values {
                column.bytes.append(contentsOf: value.description.utf8)
                column.offsets.append(column.bytes.count)
            }
        case .constant, .dictionary:
            preconditionFailure("flattened() leaves no constant or dictionary vector")
        }
        // An untyped NULL column flattens to integer storage; every cell is NULL anyway.
        if flat.type == .null { column.validity = ValidityMask(count: flat.count, allValid: false) }
        return column
    }

    private static func encodeBooleans(_ values: [UInt8], binary: Bool, into column: inout EncodedColumn) {
        for value in values {
            if binary {
                column.bytes.append(value != 0 ? 1 : 0)
            } else {
                column.bytes.append(value != 0 ? UInt8(ascii: "t") : UInt8(ascii: "f"))
            }
            column.offsets.append(column.bytes.count)
        }
    }

    private static func encodeIntegers(_ values: [Int64], type: DataType, binary: Bool, into column: inout EncodedColumn) {
        for value in values {
            switch (type, binary) {
            case (.date, false): column.bytes.append(contentsOf: DateTime.formatDate(value).utf8)
            case (.date, true): appendBigEndian(Int32(truncatingIfNeeded: value &- PostgresType.epochOffsetDays), to: &column.bytes)
            case (.timestamp, false): column.bytes.append(contentsOf: DateTime.formatTimestamp(value).utf8)
            case (.timestamp, true): appendBigEndian(value &- PostgresType.epochOffsetMicros, to: &column.bytes)
            case (.smallint, true): appendBigEndian(Int16(truncatingIfNeeded: value), to: &column.bytes)
            case (.integer, true): appendBigEndian(Int32(truncatingIfNeeded: value), to: &column.bytes)
            case (_, true): appendBigEndian(value, to: &column.bytes)
            case (_, false): column.bytes.append(contentsOf: String(value).utf8)
            }
            column.offsets.append(column.bytes.count)
        }
    }

    private static func encodeFloats(_ values: [Double], single: Bool, binary: Bool, into column: inout EncodedColumn) {
        for value in values {
            switch (single, binary) {
            case (true, true): appendBigEndian(Float(value).bitPattern, to: &column.bytes)
            case (false, true): appendBigEndian(value.bitPattern, to: &column.bytes)
            case (true, false): column.bytes.append(contentsOf: formatReal(Float(value)).utf8)
            case (false, false): column.bytes.append(contentsOf: formatDouble(value).utf8)
            }
            column.offsets.append(column.bytes.count)
        }
    }

    /// Formats a REAL as PostgreSQL 15's float4 output does: the shortest digits that
    /// round-trip, in fixed notation for decimal exponents from -4 to 5, else exponential.
    static func formatReal(_ value: Float) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return formatShortest(String(value.magnitude), negative: value.sign == .minus, maxFixedExponent: 5)
    }

    /// Formats a DOUBLE as PostgreSQL 15's float8 output does, with fixed notation for
    /// decimal exponents from -4 to 14.
    static func formatDouble(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return formatShortest(String(value.magnitude), negative: value.sign == .minus, maxFixedExponent: 14)
    }

    /// Rewrites Swift's shortest round-trip digits (`12.5`, `1e-05`, `1.5e+20`) in
    /// PostgreSQL's layout: `1e+07`, `1.5e-05`, at least two exponent digits.
    static func formatShortest(_ swiftText: String, negative: Bool, maxFixedExponent: Int) -> String {
        let parts = swiftText.split(separator: "e", maxSplits: 1)
        let mantissa = parts[0].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integerPart = mantissa[0]
        let fraction = mantissa.count > 1 ? mantissa[1] : ""
        var digits = Array(integerPart + fraction)
        // The decimal point sits after `point` digits.
        var point = integerPart.count + (parts.count > 1 ? Int(parts[1]) ?? 0 : 0)
        while digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        let sign = negative ? "-" : ""
        if digits.isEmpty { return sign + "0" }
        let exponent = point - 1
        if exponent >= -4, exponent <= maxFixedExponent {
            if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + String(digits) }
            if point >= digits.count { return sign + String(digits) + String(repeating: "0", count: point - digits.count) }
            return sign + String(digits[..<point]) + "." + String(digits[point...])
        }
        let rest = digits.count > 1 ? "." + String(digits[1...]) : ""
        let exponentDigits = abs(exponent) < 10 ? "0\(abs(exponent))" : "\(abs(exponent))"
        return sign + String(digits[0]) + rest + "e" + (exponent < 0 ? "-" : "+") + exponentDigits
    }

    static func appendBigEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        let bigEndian = value.bigEndian
        withUnsafeBytes(of: bigEndian) { bytes.append(contentsOf: $0) }
    }
}
