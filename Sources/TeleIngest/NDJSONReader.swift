// NDJSON input for `COPY table FROM 'path' (FORMAT ndjson)`.
//
// Each document is one JSON object (usually one per line). Members are matched to columns by
// exact name, then case-insensitively; a missing member or JSON null is NULL, and members
// without a column are ignored. Numbers go to numeric columns, and booleans to BOOLEAN or
// to 1/0 in numeric columns. Strings convert by the same rules as CSV text. A VARCHAR
// column takes a string's content, or any other value as its JSON text.

import TeleCore

/// Reads newline-delimited JSON objects into chunks of `schema`'s columns.
///
/// - Returns: Chunks of at most `Vector.defaultCapacity` rows.
/// - Throws: `TeleError` 22032 for invalid JSON or a document that is not an object,
///   22P02/22007/22003 for a value that does not convert to its column's type, and 23502 for
///   NULL in a NOT NULL column. Messages name the line and the column.
public func readNDJSON(bytes: [UInt8], schema: TableSchema) throws -> [DataChunk] {
    var builder = ChunkBuilder(schema: schema, capacity: Vector.defaultCapacity)
    let parser = JSONParser()
    var lines = LineCounter()
    let keyBytes = schema.columns.map { Array($0.name.utf8) }
    let lowercasedNames = schema.columns.map { $0.name.lowercased() }
    var position = 0

    while true {
        while position < bytes.count, JSONScanner.isWhitespace(bytes[position]) { position += 1 }
        if position >= bytes.count { break }
        let line = lines.line(at: position, in: bytes)
        let (document, end) = try parser.parsePrefix(bytes, range: position..<bytes.count, firstLine: line)
        position = end
        guard document.kind(document.root) == .object else {
            throw TeleError(
                .invalidJSONText, "expected a JSON object at line \(line), found a JSON \(document.kind(document.root).name)",
                hint: "Each line of an NDJSON file must be one object whose members name the columns.")
        }

        for index in schema.columns.indices {
            let column = schema.columns[index]
            var node = keyBytes[index].withUnsafeBufferPointer { document.member(document.root, bytes: $0) }
            if node == nil { node = caseInsensitiveMember(document, lowercasedNames[index]) }
            try appendJSONValue(document, node, column: column, line: line, to: &builder.columns[index])
        }
        builder.endRow()
    }
    return builder.takeChunks()
}

private func caseInsensitiveMember(_ document: JSONDocument, _ lowercasedName: String) -> Int? {
    var found: Int?
    document.forEachMember(document.root) { key, value in
        if document.string(key)?.lowercased() == lowercasedName { found = value }
    }
    return found
}

/// Converts one JSON value to `column`'s type and appends it.
func appendJSONValue(_ document: JSONDocument, _ node: Int?, column: ColumnSchema, line: Int, to builder: inout VectorBuilder)
    throws
{
    guard let node, document.kind(node) != .null else {
        try appendField(UnsafeBufferPointer(start: nil, count: 0), isNull: true, column: column, line: line, to: &builder)
        return
    }
    func mismatch() -> TeleError {
        TeleError(
            .invalidTextRepresentation,
            "invalid input for type \(column.type.sqlName) at line \(line), column \"\(column.name)\": \(document.rawText(node))",
            hint: "Give a value of type \(column.type.sqlName) for \"\(column.name)\", or change the column's type.")
    }

    let kind = document.kind(node)
    switch (column.type, kind) {
    case (_, .string) where column.type != .histogram:
        try document.withStringBytes(node) { text in
            try appendField(text, isNull: false, column: column, line: line, to: &builder)
        }
    case (.varchar, _):
        builder.appendString(JSONCompactText.render(document, node))
    case (.boolean, .bool):
        builder.appendBool(document.bool(node) ?? false)
    case (.smallint, _), (.integer, _), (.bigint, _):
        let value: Int64
        if kind == .bool {
            value = document.bool(node) == true ? 1 : 0
        } else {
            guard let exact = document.int64(node) else { throw mismatch() }
            value = exact
        }
        do throws(TextValueFailure) {
            try TextValueParser.checkRange(value, column.type)
        } catch {
            throw TeleError(
                error.state, "\(error.problem) at line \(line), column \"\(column.name)\": \(value)",
                hint: "Use a wider integer type for \"\(column.name)\".")
        }
        builder.appendInt64(value)
    case (.real, .integer), (.real, .double), (.double, .integer), (.double, .double):
        builder.appendDouble(document.double(node) ?? 0)
    case (.real, .bool), (.double, .bool):
        builder.appendDouble(document.bool(node) == true ? 1 : 0)
    case (.histogram, .object), (.histogram, .string):
        do throws(TextValueFailure) {
            if kind == .string {
                let text = document.withStringBytes(node) { Array($0) }
                builder.appendHistogram(try TextValueParser.parseHistogram(text))
            } else {
                builder.appendHistogram(try HistogramReader.parseValue(document, node))
            }
        } catch {
            throw TeleError(
                error.state, "\(error.problem) at line \(line), column \"\(column.name)\"",
                hint: "Write the histogram as an object with kind, range, bucket_count, sum and values.")
        }
    default:
        throw mismatch()
    }
}

/// Compact JSON text of a value, re-rendered from the node tree. Strings keep their escapes
/// exactly as in the source.
enum JSONCompactText {
    static func render(_ document: JSONDocument, _ node: Int) -> String {
        var output: [UInt8] = []
        append(document, node, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    private static func append(_ document: JSONDocument, _ node: Int, to output: inout [UInt8]) {
        let item = document.nodes[node]
        switch item.kind {
        case .null, .bool, .integer, .double:
            output.append(contentsOf: document.rawText(node).utf8)
        case .string:
            output.append(contentsOf: document.bytes[(item.start - 1)...(item.start + Int(item.length))])
        case .array:
            output.append(UInt8(ascii: "["))
            var first = true
            document.forEachElement(node) { element in
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                append(document, element, to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object:
            output.append(UInt8(ascii: "{"))
            var first = true
            document.forEachMember(node) { key, value in
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                append(document, key, to: &output)
                output.append(UInt8(ascii: ":"))
                append(document, value, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }
}
