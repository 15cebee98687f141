// RowDescription and DataRow messages for a statement's result, and the cursor that lets an
// Execute message with a row limit send the rows in pieces.

import TeleCore
import TeleDB

/// A position in a result's rows; each chunk is encoded once, when the cursor reaches it.
struct ResultCursor {
    let result: StatementResult
    /// Per column: whether the client asked for binary format.
    let binary: [Bool]
    private var chunkIndex = 0
    private var rowInChunk = 0
    private var encoded: [EncodedColumn]?

    init(result: StatementResult, binary: [Bool]) {
        self.result = result
        self.binary = binary
    }

    var isExhausted: Bool { chunkIndex >= result.chunks.count }

    /// Writes up to `maxRows` DataRow messages (all remaining rows when 0), flushing the
    /// output as it fills.
    ///
    /// - Returns: The number of rows written.
    @discardableResult
    mutating func writeRows(maxRows: Int, connection: ClientConnection) throws -> Int {
        var written = 0
        while !isExhausted, maxRows == 0 || written < maxRows {
            let chunk = result.chunks[chunkIndex]
            if encoded == nil {
                encoded = chunk.columns.indices.map { column in
                    ColumnEncoding.encode(chunk.columns[column], binary: column < binary.count && binary[column])
                }
            }
            guard let columns = encoded else { break }
            while rowInChunk < chunk.count, maxRows == 0 || written < maxRows {
                writeDataRow(columns, row: rowInChunk, into: &connection.writer)
                rowInChunk += 1
                written += 1
            }
            if rowInChunk == chunk.count {
                chunkIndex += 1
                rowInChunk = 0
                encoded = nil
            }
            if connection.writer.count >= 256 << 10 { try connection.channel.send(&connection.writer) }
        }
        return written
    }

    private func writeDataRow(_ columns: [EncodedColumn], row: Int, into writer: inout MessageWriter) {
        writer.begin(.dataRow)
        writer.int16(Int16(truncatingIfNeeded: columns.count))
        for column in columns {
            if column.isNull(row) {
                writer.int32(-1)
                continue
            }
            let start = column.offsets[row]
            let end = column.offsets[row + 1]
            writer.int32(Int32(truncatingIfNeeded: end - start))
            column.bytes.withUnsafeBufferPointer { writer.bytes(UnsafeBufferPointer(rebasing: $0[start..<end])) }
        }
        writer.end()
    }
}

extension ClientConnection {
    /// Writes a RowDescription, with column i in binary format where `binary[i]` is true.
    func writeRowDescription(_ columns: [ResultColumn], binary: [Bool]) {
        writer.begin(.rowDescription)
        writer.int16(Int16(truncatingIfNeeded: columns.count))
        for (index, column) in columns.enumerated() {
            writer.cString(column.name)
            writer.int32(0)  // table OID: not a plain table column
            writer.int16(0)  // attribute number
            writer.int32(PostgresType.oid(for: column.type))
            writer.int16(PostgresType.size(for: column.type))
            writer.int32(-1)  // type modifier
            writer.int16(index < binary.count && binary[index] ? 1 : 0)
        }
        writer.end()
    }

    /// Expands Bind's result format codes to one flag per column: none means all text, one
    /// applies to every column, otherwise there is one per column.
    static func binaryFlags(_ formats: [Int16], columnCount: Int) throws -> [Bool] {
        switch formats.count {
        case 0: return Array(repeating: false, count: columnCount)
        case 1: return Array(repeating: formats[0] == 1, count: columnCount)
        case columnCount: return formats.map { $0 == 1 }
        default:
            throw TeleError(
                .protocolViolation, "bind message has \(formats.count) result formats but query has \(columnCount) columns",
                hint: "Send zero, one, or one format code per result column.")
        }
    }
}
