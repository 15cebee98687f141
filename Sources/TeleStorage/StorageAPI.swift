// The interface of the storage layer that the executor, the planner and the database facade
// use: row groups, table data, snapshots and view definitions. `StorageEngine` and
// `WriteTransaction` produce and change them.

import TeleCore

/// Min, max and NULL count of one column chunk, used to skip row groups.
public struct ColumnStatistics: Sendable, Hashable {
    /// nil when every value is NULL (or the type keeps no bounds, such as HISTOGRAM).
    public var min: Value?
    public var max: Value?
    public var nullCount: Int

    public init(min: Value?, max: Value?, nullCount: Int) {
        self.min = min
        self.max = max
        self.nullCount = nullCount
    }
}

/// A committed, immutable group of rows of one table, stored column by column.
public protocol RowGroup: AnyObject, Sendable {
    var rowCount: Int { get }
    func statistics(column: Int) -> ColumnStatistics
    /// Decodes one column of the whole row group, verifying its checksum.
    ///
    /// Low-cardinality strings may come back as a dictionary vector.
    /// - Throws: `TeleError` with SQLSTATE XX001 naming the file when the data is damaged.
    func readColumn(_ column: Int) throws -> Vector
}

/// One table as of a snapshot.
public struct TableData: Sendable {
    public var schema: TableSchema
    public var rowGroups: [any RowGroup]
    /// The SQL text of each column's `DEFAULT` expression, by column name; columns without
    /// a default are absent.
    public var columnDefaults: [String: String]

    public init(schema: TableSchema, rowGroups: [any RowGroup], columnDefaults: [String: String] = [:]) {
        self.schema = schema
        self.rowGroups = rowGroups
        self.columnDefaults = columnDefaults
    }

    public var rowCount: Int { rowGroups.reduce(0) { $0 + $1.rowCount } }
}

/// A view as stored in the catalog: its name, column names and defining SQL text.
public struct ViewDefinition: Sendable, Hashable {
    public var name: String
    public var columnNames: [String]
    public var sql: String

    public init(name: String, columnNames: [String], sql: String) {
        self.name = name
        self.columnNames = columnNames
        self.sql = sql
    }
}

/// The committed state of the whole database at one moment; never changes.
public protocol Snapshot: Sendable {
    /// Increases by one with every commit.
    var version: UInt64 { get }
    var tableNames: [String] { get }
    func table(_ name: String) -> TableData?
    var viewNames: [String] { get }
    func view(_ name: String) -> ViewDefinition?
}
