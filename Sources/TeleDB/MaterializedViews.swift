// Materialized views: their catalog, creation, DROP and REFRESH, and their maintenance after
// every write.
//
// A materialized view `v` stores its rows in an ordinary table named `v`, and its definition
// (name and SQL) in the catalog table `teledb_materialized_views`, so both persist and
// commit with the transaction that changes them. After a statement appends rows to a base
// table outside an explicit transaction, and after every ping ingest batch, the view's query
// runs over only the appended rows and the partial groups are merged into the stored ones
// (see `MaterializedViewShape.mergeSQL`). DELETE and UPDATE on the base table, and any
// change inside BEGIN ... COMMIT, recompute the view from the whole table instead, because
// row positions there no longer tell which rows are new.

import TeleCore
import TeleExecution
import TelePlanner
import TeleStorage
import TeleSyntax

/// One stored materialized view.
struct MaterializedView {
    var name: String
    var sql: String
    var query: SelectStatement
    var shape: MaterializedViewShape
}

/// A snapshot in which one table holds only some of its row groups.
struct OverlaySnapshot: Snapshot {
    let base: any Snapshot
    let tableName: String
    let data: TableData

    var version: UInt64 { base.version }
    var tableNames: [String] { base.tableNames }
    func table(_ name: String) -> TableData? { name == tableName ? data : base.table(name) }
    var viewNames: [String] { base.viewNames }
    func view(_ name: String) -> ViewDefinition? { base.view(name) }
}

enum MaterializedViewCatalog {
    static let tableName = "teledb_materialized_views"
    static let schema = TableSchema(
        name: tableName,
        columns: [ColumnSchema(name: "name", type: .varchar, notNull: true), ColumnSchema(name: "sql", type: .varchar, notNull: true)])

    /// Reads every materialized view defined in `snapshot`.
    static func views(in snapshot: any Snapshot) throws -> [MaterializedView] {
        guard let catalog = snapshot.table(tableName) else { return [] }
        var views: [MaterializedView] = []
        for group in catalog.rowGroups {
            let names = try group.readColumn(0)
            let texts = try group.readColumn(1)
            for row in 0..<group.rowCount {
                guard case .string(let name) = names.value(at: row), case .string(let sql) = texts.value(at: row) else {
                    continue
                }
                guard let stored = snapshot.table(name) else { continue }
                let statements = try Parser.parse(sql)
                guard statements.count == 1, case .select(let query) = statements[0] else {
                    throw TeleError.internalError("materialized view \"\(name)\" does not hold one SELECT statement")
                }
                let shape = try MaterializedViewShape.analyze(
                    name: name, query: query, outputNames: stored.schema.columns.map(\.name))
                views.append(MaterializedView(name: name, sql: sql, query: query, shape: shape))
            }
        }
        return views
    }
}

extension Session {
    // MARK: Statements

    func createMaterializedView(name: String, ifNotExists: Bool, query: SelectStatement, text: String,
                                in transaction: WriteTransaction) throws -> StatementResult
    {
        if transaction.snapshot.table(name) != nil || transaction.snapshot.view(name) != nil {
            if ifNotExists { return result("CREATE MATERIALIZED VIEW", notices: ["relation \"\(name)\" already exists, skipping"]) }
            throw TeleError(.duplicateTable, "relation \"\(name)\" already exists",
                            hint: "Use CREATE MATERIALIZED VIEW IF NOT EXISTS, or drop it first.")
        }
        let planned = try Planner(snapshot: transaction.snapshot).plan(query)
        _ = try MaterializedViewShape.analyze(name: name, query: query, outputNames: planned.columns.map(\.name))
        _ = try createTableAs(name: name, ifNotExists: false, query: query, in: transaction)

        if transaction.snapshot.table(MaterializedViewCatalog.tableName) == nil {
            try transaction.createTable(MaterializedViewCatalog.schema)
        }
        var builders = [VectorBuilder(type: .varchar, capacity: 1), VectorBuilder(type: .varchar, capacity: 1)]
        builders[0].appendString(name)
        builders[1].appendString(text)
        try transaction.append(
            table: MaterializedViewCatalog.tableName,
            chunk: DataChunk(columns: [builders[0].finish(), builders[1].finish()], count: 1))
        return result("CREATE MATERIALIZED VIEW")
    }

    func dropMaterializedViews(_ names: [String], ifExists: Bool, in transaction: WriteTransaction) throws
        -> StatementResult
    {
        let views = try MaterializedViewCatalog.views(in: transaction.snapshot)
        var notices: [String] = []
        var remaining = views
        for name in names {
            guard let index = remaining.firstIndex(where: { $0.name == name }) else {
                if ifExists {
                    notices.append("materialized view \"\(name)\" does not exist, skipping")
                    continue
                }
                throw TeleError(
                    .undefinedTable, "materialized view \"\(name)\" does not exist",
                    hint: "Check the names in \(MaterializedViewCatalog.tableName).")
            }
            remaining.remove(at: index)
            try transaction.dropTable(name)
        }
        try rewriteCatalog(remaining, in: transaction)
        return result("DROP MATERIALIZED VIEW", notices: notices)
    }

    func refreshMaterializedView(_ name: String, in transaction: WriteTransaction) throws -> StatementResult {
        guard let view = try MaterializedViewCatalog.views(in: transaction.snapshot).first(where: { $0.name == name }) else {
            throw TeleError(.undefinedTable, "materialized view \"\(name)\" does not exist",
                            hint: "Create it with CREATE MATERIALIZED VIEW.")
        }
        try recompute(view, in: transaction)
        return result("REFRESH MATERIALIZED VIEW")
    }

    private func rewriteCatalog(_ views: [MaterializedView], in transaction: WriteTransaction) throws {
        guard let catalog = transaction.snapshot.table(MaterializedViewCatalog.tableName) else { return }
        var builders = [VectorBuilder(type: .varchar, capacity: views.count), VectorBuilder(type: .varchar, capacity: views.count)]
        for view in views {
            builders[0].appendString(view.name)
            builders[1].appendString(view.sql)
        }
        let chunk = DataChunk(columns: [builders[0].finish(), builders[1].finish()], count: views.count)
        try transaction.replaceRowGroups(
            table: MaterializedViewCatalog.tableName, removing: catalog.rowGroups, adding: views.isEmpty ? [] : [chunk])
    }

    // MARK: Maintenance

    func materializedViewBaseCounts(in transaction: WriteTransaction) throws -> [String: Int] {
        try database.materializedViewBaseCounts(in: transaction)
    }

    /// Brings every materialized view up to date after `statement` changed the database.
    ///
    /// - Parameter baseCounts: the base tables' row counts before the statement.
    func maintainMaterializedViews(after statement: Statement, baseCounts: [String: Int], in transaction: WriteTransaction)
        throws
    {
        if baseCounts.isEmpty { return }
        var rewritten: String?
        switch statement {
        case .delete(let table, _, _): rewritten = table
        case .update(let update): rewritten = update.table
        default: break
        }
        try database.maintainMaterializedViews(
            baseCounts: baseCounts, rewrittenTable: rewritten, incremental: transaction !== self.transaction,
            in: transaction)
    }

    private func recompute(_ view: MaterializedView, in transaction: WriteTransaction) throws {
        try database.recompute(view, in: transaction)
    }
}

extension Database {
    /// Returns the row count of every base table of a materialized view.
    func materializedViewBaseCounts(in transaction: WriteTransaction) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for view in try MaterializedViewCatalog.views(in: transaction.snapshot) {
            counts[view.shape.baseTable] = transaction.snapshot.table(view.shape.baseTable)?.rowCount ?? 0
        }
        return counts
    }

    /// Updates the views whose base table changed: incrementally when rows were only
    /// appended and `incremental` holds, by recomputing otherwise.
    func maintainMaterializedViews(
        baseCounts: [String: Int], rewrittenTable: String?, incremental: Bool, in transaction: WriteTransaction
    ) throws {
        for view in try MaterializedViewCatalog.views(in: transaction.snapshot) {
            let base = view.shape.baseTable
            guard let before = baseCounts[base], let table = transaction.snapshot.table(base) else { continue }
            let after = table.rowCount
            if rewrittenTable == base || after < before || (!incremental && after != before) {
                try recompute(view, in: transaction)
            } else if after > before {
                try appendDelta(view, table: table, from: before, in: transaction)
            }
        }
    }

    /// Aggregates rows `first...` of the base table and merges them into the view.
    private func appendDelta(_ view: MaterializedView, table: TableData, from first: Int, in transaction: WriteTransaction)
        throws
    {
        let delta = TableData(schema: table.schema, rowGroups: RowRangeGroup.rows(of: table, from: first))
        let snapshot = OverlaySnapshot(base: transaction.snapshot, tableName: view.shape.baseTable, data: delta)
        let planned = try Planner(snapshot: snapshot).plan(view.query)
        let schema = try storedSchema(view, in: transaction)
        while let chunk = try planned.root.next() {
            try transaction.append(table: view.name, chunk: try conform(chunk, to: schema))
        }

        // Fold the old groups and the new partial ones into one row per group.
        let statements = try Parser.parse(view.shape.mergeSQL)
        guard case .select(let merge) = statements.first else {
            throw TeleError.internalError("the merge query of materialized view \"\(view.name)\" is not a SELECT")
        }
        let merged = try Planner(snapshot: transaction.snapshot).plan(merge)
        try replaceContents(of: view, schema: schema, with: merged.root, in: transaction)
    }

    func recompute(_ view: MaterializedView, in transaction: WriteTransaction) throws {
        let schema = try storedSchema(view, in: transaction)
        let planned = try Planner(snapshot: transaction.snapshot).plan(view.query)
        try replaceContents(of: view, schema: schema, with: planned.root, in: transaction)
    }

    private func replaceContents(of view: MaterializedView, schema: TableSchema, with root: any PhysicalOperator,
                                 in transaction: WriteTransaction) throws
    {
        var chunks: [DataChunk] = []
        while let chunk = try root.next() { chunks.append(try conform(chunk, to: schema)) }
        let old = transaction.snapshot.table(view.name)?.rowGroups ?? []
        try transaction.replaceRowGroups(table: view.name, removing: old, adding: chunks)
    }

    private func storedSchema(_ view: MaterializedView, in transaction: WriteTransaction) throws -> TableSchema {
        guard let schema = transaction.snapshot.table(view.name)?.schema else {
            throw TeleError.internalError("materialized view \"\(view.name)\" has no stored table")
        }
        return schema
    }

    private func conform(_ chunk: DataChunk, to schema: TableSchema) throws -> DataChunk {
        let columns = try zip(chunk.columns, schema.columns).map { vector, column in
            vector.type == column.type ? vector.flattened() : try Cast.cast(vector, to: column.type)
        }
        return DataChunk(columns: columns, count: chunk.count)
    }
}

extension Session {
    /// Returns `query` rewritten to read a materialized view that contains its result, or nil.
    func answeringView(for query: SelectStatement) throws -> (view: String, query: SelectStatement)? {
        let snapshot = readSnapshot
        guard snapshot.table(MaterializedViewCatalog.tableName) != nil else { return nil }
        for view in try MaterializedViewCatalog.views(in: snapshot) {
            if let rewritten = view.shape.rewrite(query) { return (view.name, rewritten) }
        }
        return nil
    }
}
