// The write transaction: a private copy of the catalog and the row groups that its changes
// edit, published to readers all at once by `commit()`.

import TeleCore

/// The one active writer of a `StorageEngine`.
///
/// Changes stay invisible to `StorageEngine.snapshot()` until `commit()`. Appended rows go
/// to an in-memory tail row group per table, filled up to `StorageEngine.rowGroupCapacity`.
/// A commit on disk writes every row group built in the transaction to one new data file.
/// Not thread-safe: one task drives a transaction.
public final class WriteTransaction {
    let engine: StorageEngine
    /// The committed state this transaction started from; emptied when it ends, so that
    /// it stops holding data files that later commits make obsolete.
    private(set) var base: DatabaseSnapshot
    var tables: [String: TableData]
    var views: [String: ViewDefinition]
    /// The partly filled last row group of each table this transaction appended to; it
    /// comes after the table's `rowGroups`.
    var tails: [String: MemoryRowGroup] = [:]
    /// The partly filled row group of each table that receives the rows `replaceRowGroups`
    /// adds. It is kept apart from the tail so that rewriting never copies a row group that
    /// a caller may still pass to `replaceRowGroups` (see `appendRewritten`).
    var rewrites: [String: MemoryRowGroup] = [:]
    /// The data file of an on-disk transaction, created when the first row group fills up
    /// or at commit.
    var pending: PendingDataFile?
    private var changed = false
    private var finished = false

    init(engine: StorageEngine, base: DatabaseSnapshot) {
        self.engine = engine
        self.base = base
        self.tables = base.tables
        self.views = base.views
    }

    deinit {
        if !finished {
            pending?.discard()
            engine.finishWrite()
        }
    }

    /// The state this transaction reads: the snapshot it started from plus its own changes.
    ///
    /// Its version is that of the snapshot the transaction started from.
    public var snapshot: any Snapshot {
        DatabaseSnapshot(version: base.version, tables: tablesWithOpenGroups(), views: views)
    }

    /// Returns the tables with each one's rewrite group and tail after its row groups.
    private func tablesWithOpenGroups() -> [String: TableData] {
        var result = tables
        for open in [rewrites, tails] {
            for (name, group) in open where group.rowCount > 0 {
                result[name]?.rowGroups.append(group)
            }
        }
        return result
    }

    /// Creates an empty table.
    ///
    /// - Parameter columnDefaults: the SQL text of each column's `DEFAULT` expression, by
    ///   column name; the caller has checked that each one binds.
    /// - Throws: `TeleError` 42P07 when a table or view has the name, 42701 when two
    ///   columns share a name, 42703 when a default names no column.
    public func createTable(_ schema: TableSchema, columnDefaults: [String: String] = [:]) throws {
        try checkActive()
        try checkNameFree(schema.name)
        var seen = Set<String>()
        for column in schema.columns where !seen.insert(column.name).inserted {
            throw TeleError(
                .duplicateColumn, "column \"\(column.name)\" specified more than once",
                hint: "Give each column of table \"\(schema.name)\" a different name.")
        }
        if let column = schema.columns.first(where: { $0.type == .null }) {
            throw TeleError(
                .datatypeMismatch, "column \"\(column.name)\" has no type",
                hint: "Declare a type for column \"\(column.name)\", such as BIGINT or VARCHAR.")
        }
        if let unknown = columnDefaults.keys.sorted().first(where: { schema.columnIndex($0) == nil }) {
            throw TeleError(
                .undefinedColumn, "default given for column \"\(unknown)\", which table \"\(schema.name)\" does not have",
                hint: "Name a column of the table.")
        }
        tables[schema.name] = TableData(schema: schema, rowGroups: [], columnDefaults: columnDefaults)
        changed = true
    }

    /// Drops a table and its rows.
    ///
    /// - Throws: `TeleError` 42P01 when no table has the name, 42809 when it names a view.
    public func dropTable(_ name: String) throws {
        try checkActive()
        guard tables[name] != nil else {
            if views[name] != nil {
                throw TeleError(.wrongObjectType, "\"\(name)\" is not a table", hint: "Use DROP VIEW to drop a view.")
            }
            throw undefinedTable(name)
        }
        tables[name] = nil
        tails[name] = nil
        rewrites[name] = nil
        changed = true
    }

    /// Stores a view definition.
    ///
    /// - Throws: `TeleError` 42P07 when a table or view has the name.
    public func createView(_ view: ViewDefinition) throws {
        try checkActive()
        try checkNameFree(view.name)
        views[view.name] = view
        changed = true
    }

    /// Drops a view definition.
    ///
    /// - Throws: `TeleError` 42P01 when no view has the name, 42809 when it names a table.
    public func dropView(_ name: String) throws {
        try checkActive()
        guard views[name] != nil else {
            if tables[name] != nil {
                throw TeleError(.wrongObjectType, "\"\(name)\" is not a view", hint: "Use DROP TABLE to drop a table.")
            }
            throw TeleError(
                .undefinedTable, "view \"\(name)\" does not exist", hint: nearestHint(name, among: Array(views.keys)))
        }
        views[name] = nil
        changed = true
    }

    /// Makes every change durable and visible at once, then ends the transaction.
    ///
    /// On disk the commit is atomic under a crash: the reopened database contains either all
    /// of its changes or none. When it throws, nothing was published and the transaction is
    /// rolled back.
    public func commit() throws {
        try checkActive()
        finished = true
        defer {
            releaseState()
            engine.finishWrite()
        }
        guard changed else { return }

        var next = DatabaseSnapshot(version: base.version + 1, tables: tablesWithOpenGroups(), views: views)
        tails = [:]
        rewrites = [:]
        if let directory = engine.path {
            let writer = CommitWriter(
                directory: directory, previous: base, next: next, pending: pending,
                makeDataFile: { [engine] in try engine.makePendingDataFile() })
            pending = nil
            next = try writer.write()
        }
        engine.publish(next)
    }

    /// Discards every change and ends the transaction. Calling it again does nothing.
    public func rollback() {
        if finished { return }
        finished = true
        pending?.discard()
        releaseState()
        engine.finishWrite()
    }

    private func releaseState() {
        base = .empty
        tables = [:]
        views = [:]
        tails = [:]
        rewrites = [:]
        pending = nil
    }

    // MARK: Checks

    func markChanged() {
        changed = true
    }

    func checkActive() throws {
        if finished {
            throw TeleError(
                .noActiveSQLTransaction, "write transaction has already ended",
                hint: "Begin a new write transaction.")
        }
    }

    private func checkNameFree(_ name: String) throws {
        if tables[name] != nil || views[name] != nil {
            let kind = tables[name] != nil ? "table" : "view"
            throw TeleError(
                .duplicateTable, "relation \"\(name)\" already exists",
                detail: "A \(kind) named \"\(name)\" exists.", hint: "Choose another name or drop the \(kind) first.")
        }
    }

    func undefinedTable(_ name: String) -> TeleError {
        TeleError(.undefinedTable, "table \"\(name)\" does not exist", hint: nearestHint(name, among: Array(tables.keys)))
    }

    private func nearestHint(_ name: String, among candidates: [String]) -> String? {
        nearestName(to: name, among: candidates.sorted()).map { "Did you mean \"\($0)\"?" }
    }
}
