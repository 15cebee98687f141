// Row groups held in memory: every row group of the in-memory engine, and the groups a
// write transaction builds before its commit writes them to a data file.

import TeleCore

/// A row group whose columns live in memory as flat vectors.
///
/// Safety: the class is mutable only through `append`, which the owning `WriteTransaction`
/// calls while it holds the only reference (checked with `isKnownUniquelyReferenced`). Once
/// a snapshot or another transaction can reach the group, no code mutates it again, which
/// is what makes the `@unchecked Sendable` sound.
final class MemoryRowGroup: RowGroup, @unchecked Sendable {
    private(set) var columns: [ColumnBuffer]
    private(set) var rowCount = 0

    init(schema: TableSchema) {
        columns = schema.columns.map { ColumnBuffer(type: $0.type) }
    }

    init(copying other: MemoryRowGroup) {
        columns = other.columns
        rowCount = other.rowCount
    }

    /// Copies the rows of any row group, decoding each of its columns.
    convenience init(reading other: any RowGroup, schema: TableSchema) throws {
        if let other = other as? MemoryRowGroup {
            self.init(copying: other)
            return
        }
        self.init(schema: schema)
        let vectors = try schema.columns.indices.map { try other.readColumn($0) }
        append(DataChunk(columns: vectors, count: other.rowCount), rows: 0..<other.rowCount)
    }

    func statistics(column: Int) -> ColumnStatistics {
        columns[column].statistics
    }

    func readColumn(_ column: Int) throws -> Vector {
        columns[column].vector
    }

    /// Appends rows `range` of every column of `chunk`.
    func append(_ chunk: DataChunk, rows range: Range<Int>) {
        for index in columns.indices {
            columns[index].append(chunk.columns[index], rows: range)
        }
        rowCount += range.count
    }
}
