// Bind parameters from their wire form to TeleDB values.
//
// A text parameter of an unspecified type stays a string, which the binder treats as an
// untyped literal and casts to whatever its context needs, as PostgreSQL does with `unknown`.
// A parameter with a declared type OID is parsed into that type here, so a malformed value
// fails at Bind with 22P02 and the value's position in the message.

import TeleCore

enum ParameterDecoding {
    /// Decodes parameter `index` (0-based) from `bytes` (nil for NULL).
    ///
    /// - Parameters:
    ///   - format: 0 for text, 1 for binary.
    ///   - typeOID: The type declared at Parse, or 0 when none was.
    static func decode(_ bytes: ArraySlice<UInt8>?, format: Int16, typeOID: Int32, index: Int) throws -> Value {
        guard let bytes else { return .null }
        switch format {
        case 0: return try decodeText(try utf8Text(Array(bytes), index: index), typeOID: typeOID, index: index)
        case 1: return try decodeBinary(Array(bytes), typeOID: typeOID, index: index)
        default:
            throw TeleError(
                .protocolViolation, "invalid format code \(format) for parameter $\(index + 1)",
                hint: "Use 0 for text or 1 for binary.")
        }
    }

    private static func decodeText(_ text: String, typeOID: Int32, index: Int) throws -> Value {
        guard let type = PostgresType.dataType(for: typeOID) else { return .string(text) }
        let trimmed = text.trimmingSpaces()
        switch type {
        case .boolean:
            switch trimmed.lowercased() {
            case "t", "true", "yes", "on", "1", "y": return .boolean(true)
            case "f", "false", "no", "off", "0", "n": return .boolean(false)
            default: throw invalidText(text, type: "boolean", index: index)
            }
        case .smallint, .integer, .bigint:
            guard let value = Int64(trimmed) else { throw invalidText(text, type: type.sqlName.lowercased(), index: index) }
            return .integer(value)
        case .real, .double:
            guard let value = Double(trimmed) ?? specialDouble(trimmed) else {
                throw invalidText(text, type: "double precision", index: index)
            }
            return .double(value)
        case .date:
            guard let days = DateTime.parseDate(trimmed) else { throw invalidText(text, type: "date", index: index) }
            return .date(days)
        case .timestamp:
            guard let micros = DateTime.parseTimestamp(trimmed) else {
                throw invalidText(text, type: "timestamp", index: index)
            }
            return .timestamp(micros)
        default:
            // Intervals and text stay strings; the binder parses an interval from its context.
            return .string(text)
        }
    }

    private static func decodeBinary(_ bytes: [UInt8], typeOID: Int32, index: Int) throws -> Value {
        switch typeOID {
        case PostgresType.bool:
            try requireLength(bytes, 1, typeOID: typeOID, index: index)
            return .boolean(bytes[0] != 0)
        case PostgresType.int2:
            try requireLength(bytes, 2, typeOID: typeOID, index: index)
            return .integer(Int64(Int16(bitPattern: UInt16(bigEndianBytes: bytes))))
        case PostgresType.int4:
            try requireLength(bytes, 4, typeOID: typeOID, index: index)
            return .integer(Int64(Int32(bitPattern: UInt32(bigEndianBytes: bytes))))
        case PostgresType.int8:
            try requireLength(bytes, 8, typeOID: typeOID, index: index)
            return .integer(Int64(bitPattern: UInt64(bigEndianBytes: bytes)))
        case PostgresType.float4:
            try requireLength(bytes, 4, typeOID: typeOID, index: index)
            return .double(Double(Float(bitPattern: UInt32(bigEndianBytes: bytes))))
        case PostgresType.float8:
            try requireLength(bytes, 8, typeOID: typeOID, index: index)
            return .double(Double(bitPattern: UInt64(bigEndianBytes: bytes)))
        case PostgresType.date:
            try requireLength(bytes, 4, typeOID: typeOID, index: index)
            return .date(Int64(Int32(bitPattern: UInt32(bigEndianBytes: bytes))) + PostgresType.epochOffsetDays)
        case PostgresType.timestamp, PostgresType.timestamptz:
            try requireLength(bytes, 8, typeOID: typeOID, index: index)
            return .timestamp(Int64(bitPattern: UInt64(bigEndianBytes: bytes)) &+ PostgresType.epochOffsetMicros)
        case PostgresType.interval:
            // PostgreSQL's binary interval: microseconds (8 bytes), days (4), months (4).
            try requireLength(bytes, 16, typeOID: typeOID, index: index)
            return .interval(
                Interval(
                    months: Int32(bitPattern: UInt32(bigEndianBytes: Array(bytes[12..<16]))),
                    days: Int32(bitPattern: UInt32(bigEndianBytes: Array(bytes[8..<12]))),
                    micros: Int64(bitPattern: UInt64(bigEndianBytes: bytes))))
        case PostgresType.text, PostgresType.varchar, PostgresType.json, PostgresType.unspecified,
            PostgresType.unknown:
            // A parameter of no declared type was described as text, as PostgreSQL resolves
            // one, so its binary form is the text's UTF-8 bytes.
            return .string(try utf8Text(bytes, index: index))
        default:
            throw TeleError(
                .featureNotSupported, "binary format for parameter $\(index + 1) of type OID \(typeOID) is not supported",
                hint: "Send this parameter in text format, or as bool, int2, int4, int8, float4, float8, text, date or timestamp.")
        }
    }

    /// Decodes the bytes as text. They must be valid UTF-8 without NUL bytes, because
    /// PostgreSQL's text type cannot contain NUL.
    private static func utf8Text(_ bytes: [UInt8], index: Int) throws -> String {
        guard !bytes.contains(0), let text = String(validating: bytes, as: UTF8.self) else {
            throw TeleError(
                SQLState("22021"), "invalid byte sequence for encoding \"UTF8\" in parameter $\(index + 1)",
                hint: "Send text parameters as UTF-8 without NUL bytes.")
        }
        return text
    }

    private static func requireLength(_ bytes: [UInt8], _ length: Int, typeOID: Int32, index: Int) throws {
        guard bytes.count == length else {
            throw TeleError(
                .invalidParameterValue,
                "invalid binary value for parameter $\(index + 1): type OID \(typeOID) takes \(length) bytes, got \(bytes.count)",
                hint: "Check the parameter types declared at Parse against the values sent at Bind.")
        }
    }

    private static func invalidText(_ text: String, type: String, index: Int) -> TeleError {
        TeleError(
            .invalidTextRepresentation, "invalid input syntax for type \(type): \"\(text.prefix(60))\"",
            detail: "The value was sent for parameter $\(index + 1).",
            hint: "Send a value of the type declared for the parameter.")
    }

    private static func specialDouble(_ text: String) -> Double? {
        switch text.lowercased() {
        case "nan": return .nan
        case "infinity", "inf", "+infinity": return .infinity
        case "-infinity", "-inf": return -.infinity
        default: return nil
        }
    }
}

extension FixedWidthInteger {
    /// Reads a big-endian integer from the first bytes of `bytes`, which has at least
    /// `MemoryLayout<Self>.size` of them.
    init(bigEndianBytes bytes: [UInt8]) {
        var value: Self = 0
        for index in 0..<MemoryLayout<Self>.size { value = value << 8 | Self(bytes[index]) }
        self = value
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
