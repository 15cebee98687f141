// CSV input for `COPY table FROM 'path' (FORMAT csv)`.
//
// Records follow RFC 4180: fields are separated by the delimiter, records end with LF or
// CRLF, and a field in double quotes may contain delimiters, line breaks and doubled quotes
// (`""`). As in PostgreSQL's CSV format, an empty unquoted field is NULL and an empty quoted
// field (`""`) is an empty string. A quote inside an unquoted field is kept as a character.

import TeleCore

/// Reads CSV bytes into chunks of `schema`'s columns, in column order.
///
/// - Parameters:
///   - bytes: The file contents, UTF-8.
///   - schema: The target table; every record must have one field per column.
///   - header: Whether the first record contains column names, which are skipped.
///   - delimiter: The field separator, usually `,` (or tab or `|`).
/// - Returns: Chunks of at most `Vector.defaultCapacity` rows.
/// - Throws: `TeleError` 22P04 for a malformed record (wrong field count, unterminated
///   quote), 22P02/22007/22003 for a field that does not convert to its column's type, and
///   23502 for NULL in a NOT NULL column. Messages name the line, the column and the value.
public func readCSV(bytes: [UInt8], schema: TableSchema, header: Bool, delimiter: UInt8 = UInt8(ascii: ","))
    throws -> [DataChunk]
{
    guard delimiter != UInt8(ascii: "\""), delimiter != 0x0A, delimiter != 0x0D else {
        throw TeleError(
            .invalidParameterValue, "invalid CSV delimiter \(delimiter)",
            hint: "Use a single character other than a quote or a line break, such as ',' or '|'.")
    }
    var reader = CSVRecordReader(bytes: bytes, delimiter: delimiter)
    var builder = ChunkBuilder(schema: schema, capacity: Vector.defaultCapacity)
    var fields: [CSVRecordReader.Field] = []
    if header { _ = try reader.readRecord(into: &fields) }

    while let line = try reader.readRecord(into: &fields) {
        // A blank line is no record, unless the table has exactly one column (then it is
        // one NULL, as in PostgreSQL).
        if fields.count == 1, fields[0].isEmptyUnquoted, schema.columns.count != 1 { continue }
        if fields.count < schema.columns.count {
            throw TeleError(
                .badCopyFileFormat,
                "missing data for column \"\(schema.columns[fields.count].name)\" at line \(line)",
                hint: "Each line needs \(schema.columns.count) fields separated by the delimiter.")
        }
        if fields.count > schema.columns.count {
            throw TeleError(
                .badCopyFileFormat, "extra data after last expected column at line \(line)",
                hint: "Each line needs \(schema.columns.count) fields; quote fields that contain the delimiter.")
        }
        for (index, column) in schema.columns.enumerated() {
            try reader.withFieldBytes(fields[index]) { field in
                try appendField(field, isNull: fields[index].isEmptyUnquoted, column: column, line: line,
                    to: &builder.columns[index])
            }
        }
        builder.endRow()
    }
    return builder.takeChunks()
}

/// Converts one field, turning a conversion failure into a `TeleError` with its position.
func appendField(
    _ field: UnsafeBufferPointer<UInt8>, isNull: Bool, column: ColumnSchema, line: Int, to builder: inout VectorBuilder
) throws {
    if isNull {
        if column.notNull {
            throw TeleError(
                .notNullViolation, "null value in column \"\(column.name)\" violates not-null constraint at line \(line)",
                hint: "Give a value for \"\(column.name)\" on every line.")
        }
        builder.appendNull()
        return
    }
    do throws(TextValueFailure) {
        try TextValueParser.append(field, type: column.type, to: &builder)
    } catch {
        var shown = String(decoding: field.prefix(80), as: UTF8.self)
        if field.count > 80 { shown += "..." }
        throw TeleError(
            error.state, "\(error.problem) at line \(line), column \"\(column.name)\": \"\(shown)\"",
            hint: "Fix the value or change the type of column \"\(column.name)\".")
    }
}

/// Splits CSV bytes into records of fields without copying unquoted fields.
struct CSVRecordReader {
    /// A field's raw byte range. Quoted fields exclude the outer quotes and still contain
    /// doubled quotes, which `withFieldBytes` undoubles.
    struct Field {
        var start: Int
        var end: Int
        var quoted: Bool
        var hasDoubledQuotes: Bool

        var isEmptyUnquoted: Bool { !quoted && start == end }
    }

    let bytes: [UInt8]
    let delimiter: UInt8
    private var position = 0
    private var line = 1

    init(bytes: [UInt8], delimiter: UInt8) {
        self.bytes = bytes
        self.delimiter = delimiter
    }

    /// Reads the next record into `fields` and returns the line it starts on, or nil at the
    /// end of the input.
    mutating func readRecord(into fields: inout [Field]) throws -> Int? {
        fields.removeAll(keepingCapacity: true)
        guard position < bytes.count else { return nil }
        let startLine = line
        while true {
            let field = try readField(recordLine: startLine)
            fields.append(field)
            guard position < bytes.count else { return startLine }
            let byte = bytes[position]
            if byte == delimiter {
                position += 1
                if position == bytes.count {
                    // A delimiter at the very end leaves one more, empty field.
                    fields.append(Field(start: position, end: position, quoted: false, hasDoubledQuotes: false))
                    return startLine
                }
                continue
            }
            // The field ended at a line break.
            if byte == 0x0D, position + 1 < bytes.count, bytes[position + 1] == 0x0A { position += 1 }
            position += 1
            line += 1
            return startLine
        }
    }

    private mutating func readField(recordLine: Int) throws -> Field {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
            let start = position
            while position < bytes.count {
                let byte = bytes[position]
                if byte == delimiter || byte == 0x0A || byte == 0x0D { break }
                position += 1
            }
            return Field(start: start, end: position, quoted: false, hasDoubledQuotes: false)
        }

        let quoteLine = line
        position += 1
        let start = position
        var doubled = false
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "\"") {
                    doubled = true
                    position += 2
                    continue
                }
                let end = position
                position += 1
                if position < bytes.count {
                    let next = bytes[position]
                    guard next == delimiter || next == 0x0A || next == 0x0D else {
                        throw TeleError(
                            .badCopyFileFormat,
                            "unexpected character after closing quote at line \(line)",
                            hint: "Inside a quoted field, write a quote as two quotes (\"\").")
                    }
                }
                return Field(start: start, end: end, quoted: true, hasDoubledQuotes: doubled)
            }
            if byte == 0x0A { line += 1 }
            position += 1
        }
        throw TeleError(
            .badCopyFileFormat, "unterminated CSV quoted field starting at line \(quoteLine)",
            hint: "Close the quoted field with a double quote.")
    }

    /// Calls `body` with a field's value bytes, undoubling quotes when needed.
    func withFieldBytes<R>(_ field: Field, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if !field.hasDoubledQuotes {
            return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[field.start..<field.end])) }
        }
        var value: [UInt8] = []
        value.reserveCapacity(field.end - field.start)
        var index = field.start
        while index < field.end {
            value.append(bytes[index])
            index += bytes[index] == UInt8(ascii: "\"") ? 2 : 1
        }
        return try value.withUnsafeBufferPointer { try body($0) }
    }
}
