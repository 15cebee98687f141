// The embedded database facade that the shell, the server and tests use.
// SCAFFOLD: bodies marked `unimplemented` are being written; the signatures are the contract.

import TeleCore

/// The result of one statement.
public struct StatementResult: Sendable {
    /// Output columns; empty for statements that return no rows.
    public var columns: [ResultColumn]
    /// The rows, in order, as chunks of flat or dictionary vectors.
    public var chunks: [DataChunk]
    /// The command tag as PostgreSQL writes it: `SELECT 3`, `INSERT 0 5`, `CREATE TABLE`.
    public var commandTag: String
    /// Rows inserted, deleted or updated, or rows returned by a query.
    public var rowCount: Int
    /// Notices for the user, such as "no schema given, structural checks only".
    public var notices: [String]

    public init(columns: [ResultColumn], chunks: [DataChunk], commandTag: String, rowCount: Int,
                notices: [String] = []) {
        self.columns = columns
        self.chunks = chunks
        self.commandTag = commandTag
        self.rowCount = rowCount
        self.notices = notices
    }

    public var returnsRows: Bool { !columns.isEmpty }

    /// Every row as boxed values, for tests and small results.
    public var rows: [[Value]] {
        chunks.flatMap { chunk in (0..<chunk.count).map { chunk.row($0) } }
    }
}

public struct ResultColumn: Sendable, Hashable {
    public var name: String
    public var type: DataType

    public init(name: String, type: DataType) {
        self.name = name
        self.type = type
    }
}
