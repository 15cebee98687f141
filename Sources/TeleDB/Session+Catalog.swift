// Statements that read or change the catalog: CREATE/DROP TABLE, VIEW and INDEX, SHOW,
// DESCRIBE and SET.

import TeleCore
import TeleExecution
import TelePlanner
import TeleStorage
import TeleSyntax

extension Session {
    /// Names of the tables, sorted, without TeleDB's own `teledb_` system tables.
    public var tableNames: [String] { readSnapshot.tableNames.filter { !isSystemTable($0) }.sorted() }

    public var viewNames: [String] { readSnapshot.viewNames.sorted() }

    /// Returns the columns of a table or view, or nil when no such table exists.
    public func columns(of table: String) -> [ResultColumn]? {
        if let data = readSnapshot.table(table) {
            return data.schema.columns.map { ResultColumn(name: $0.name, type: $0.type) }
        }
        if let view = readSnapshot.view(table), let query = try? viewQuery(view),
            let planned = try? Planner(snapshot: readSnapshot).plan(query)
        {
            return planned.columns.map { ResultColumn(name: $0.name, type: $0.type) }
        }
        return nil
    }

    // MARK: Tables

    func createTable(_ create: CreateTable, in transaction: WriteTransaction) throws -> StatementResult {
        if transaction.snapshot.table(create.name) != nil || transaction.snapshot.view(create.name) != nil {
            if create.ifNotExists {
                return result("CREATE TABLE", notices: ["relation \"\(create.name)\" already exists, skipping"])
            }
            throw TeleError(.duplicateTable, "relation \"\(create.name)\" already exists",
                            hint: "Use CREATE TABLE IF NOT EXISTS, or DROP TABLE first.")
        }
        var columns: [ColumnSchema] = []
        var seen = Set<String>()
        for definition in create.columns {
            guard seen.insert(definition.name).inserted else {
                throw TeleError(.duplicateColumn, "column \"\(definition.name)\" specified more than once")
            }
            let type = try resolveType(definition.typeName)
            let notNull = definition.notNull || definition.primaryKey || create.primaryKey.contains(definition.name)
            columns.append(ColumnSchema(name: definition.name, type: type, notNull: notNull))
        }
        for name in create.primaryKey where !seen.contains(name) {
            throw TeleError(.undefinedColumn, "column \"\(name)\" named in key does not exist")
        }
        let defaults = try columnDefaults(of: create, columns: columns, planner: Planner(snapshot: transaction.snapshot))
        try transaction.createTable(TableSchema(name: create.name, columns: columns), columnDefaults: defaults)
        return result("CREATE TABLE")
    }

    func createTableAs(name: String, ifNotExists: Bool, query: SelectStatement, in transaction: WriteTransaction)
        throws -> StatementResult
    {
        if transaction.snapshot.table(name) != nil {
            if ifNotExists { return result("CREATE TABLE AS", notices: ["relation \"\(name)\" already exists, skipping"]) }
            throw TeleError(.duplicateTable, "relation \"\(name)\" already exists")
        }
        let planned = try Planner(snapshot: monitored(transaction.snapshot)).plan(query)
        var seen = Set<String>()
        let columns = try planned.columns.map { column -> ColumnSchema in
            guard seen.insert(column.name).inserted else {
                throw TeleError(.duplicateColumn, "column \"\(column.name)\" specified more than once",
                                hint: "Give each select item a distinct alias with AS.")
            }
            return ColumnSchema(name: column.name, type: column.type == .null ? .varchar : column.type)
        }
        try transaction.createTable(TableSchema(name: name, columns: columns))
        var rows = 0
        while let chunk = try planned.root.next() {
            let converted = try DataChunk(
                columns: zip(chunk.columns, columns).map { vector, column in
                    vector.type == column.type ? vector.flattened() : try Cast.cast(vector, to: column.type)
                }, count: chunk.count)
            try transaction.append(table: name, chunk: converted)
            rows += chunk.count
        }
        return StatementResult(columns: [], chunks: [], commandTag: "SELECT \(rows)", rowCount: rows)
    }

    func dropTables(_ names: [String], ifExists: Bool, in transaction: WriteTransaction) throws -> StatementResult {
        var notices: [String] = []
        for name in names {
            guard transaction.snapshot.table(name) != nil else {
                if ifExists {
                    notices.append("table \"\(name)\" does not exist, skipping")
                    continue
                }
                throw TeleError(.undefinedTable, "table \"\(name)\" does not exist",
                                hint: hintForTable(name, in: transaction.snapshot))
            }
            try transaction.dropTable(name)
            try checkNoDependentViews(of: "table", name, in: transaction)
            // Indexes go with their table, as in PostgreSQL.
            database.indexTables.withLock { indexes in indexes = indexes.filter { $0.value != name } }
        }
        return result("DROP TABLE", notices: notices)
    }

    func resolveType(_ typeName: TypeName) throws -> DataType {
        guard let type = DataType.named(typeName.name) else {
            throw TeleError(
                .undefinedObject, "type \"\(typeName.name)\" does not exist",
                hint: "Use one of BOOLEAN, SMALLINT, INTEGER, BIGINT, REAL, DOUBLE, VARCHAR, DATE, TIMESTAMP, HISTOGRAM.",
                position: typeName.position)
        }
        return type
    }

    func hintForTable(_ name: String, in snapshot: any Snapshot) -> String? {
        nearestName(to: name, among: snapshot.tableNames + snapshot.viewNames).map { "Perhaps you meant \"\($0)\"." }
    }

    // MARK: Views

    func createView(
        name: String, orReplace: Bool, ifNotExists: Bool, columns: [String], query: SelectStatement, text: String,
        in transaction: WriteTransaction
    ) throws -> StatementResult {
        if transaction.snapshot.table(name) != nil {
            throw TeleError(.duplicateTable, "relation \"\(name)\" already exists")
        }
        if transaction.snapshot.view(name) != nil {
            if ifNotExists { return result("CREATE VIEW", notices: ["view \"\(name)\" already exists, skipping"]) }
            guard orReplace else {
                throw TeleError(.duplicateTable, "view \"\(name)\" already exists",
                                hint: "Use CREATE OR REPLACE VIEW, or DROP VIEW first.")
            }
            try transaction.dropView(name)
        }
        // Plan the query now so that a view over a missing table or column fails at CREATE.
        let planned = try Planner(snapshot: transaction.snapshot).plan(query)
        if !columns.isEmpty, columns.count != planned.columns.count {
            throw TeleError(.syntaxError, "view \"\(name)\" names \(columns.count) columns but its query returns \(planned.columns.count)")
        }
        try transaction.createView(ViewDefinition(name: name, columnNames: columns, sql: text))
        return result("CREATE VIEW")
    }

    func dropViews(_ names: [String], ifExists: Bool, in transaction: WriteTransaction) throws -> StatementResult {
        var notices: [String] = []
        for name in names {
            guard transaction.snapshot.view(name) != nil else {
                if ifExists {
                    notices.append("view \"\(name)\" does not exist, skipping")
                    continue
                }
                throw TeleError(.undefinedTable, "view \"\(name)\" does not exist",
                                hint: hintForTable(name, in: transaction.snapshot))
            }
            try transaction.dropView(name)
            try checkNoDependentViews(of: "view", name, in: transaction)
        }
        return result("DROP VIEW", notices: notices)
    }

    /// Throws 2BP01 when a remaining view no longer binds after `name` was dropped in
    /// `transaction`, as PostgreSQL refuses to drop an object a view depends on.
    func checkNoDependentViews(of kind: String, _ name: String, in transaction: WriteTransaction) throws {
        for viewName in transaction.snapshot.viewNames.sorted() {
            guard let view = transaction.snapshot.view(viewName) else { continue }
            do {
                _ = try Planner(snapshot: transaction.snapshot).plan(try viewQuery(view))
            } catch let error as TeleError where error.state == .undefinedTable {
                throw TeleError(
                    .dependentObjectsStillExist, "cannot drop \(kind) \(name) because other objects depend on it",
                    detail: "view \(viewName) depends on \(kind) \(name)",
                    hint: "Drop the view \(viewName) first.")
            }
        }
    }

    func viewQuery(_ view: ViewDefinition) throws -> SelectStatement {
        guard case .select(let query)? = try Parser.parse(view.sql).first else {
            throw TeleError(.dataCorrupted, "view \"\(view.name)\" has a definition that is not a query")
        }
        return query
    }

    // MARK: Indexes

    func createIndex(name: String, ifNotExists: Bool, table: String, columns: [String], in transaction: WriteTransaction)
        throws -> StatementResult
    {
        guard let data = transaction.snapshot.table(table) else {
            throw TeleError(.undefinedTable, "relation \"\(table)\" does not exist",
                            hint: hintForTable(table, in: transaction.snapshot))
        }
        for column in columns where data.schema.columnIndex(column) == nil {
            throw TeleError(.undefinedColumn, "column \"\(column)\" does not exist",
                            hint: nearestName(to: column, among: data.schema.columns.map(\.name)).map { "Perhaps you meant \"\($0)\"." })
        }
        let inserted = database.indexTables.withLock { indexes in
            if indexes[name] != nil { return false }
            indexes[name] = data.schema.name
            return true
        }
        if !inserted, !ifNotExists {
            throw TeleError(.duplicateTable, "relation \"\(name)\" already exists")
        }
        return result("CREATE INDEX")
    }

    func dropIndex(name: String, ifExists: Bool) throws -> StatementResult {
        let removed = database.indexTables.withLock { $0.removeValue(forKey: name) != nil }
        if !removed, !ifExists {
            throw TeleError(.undefinedObject, "index \"\(name)\" does not exist")
        }
        return result("DROP INDEX")
    }

    // MARK: SHOW, DESCRIBE, SET

    func showTables() -> StatementResult {
        let names = tableNames
        var builder = VectorBuilder(type: .varchar, capacity: names.count)
        for name in names { builder.appendString(name) }
        return rowsResult(columns: [ResultColumn(name: "name", type: .varchar)], vectors: [builder.finish()])
    }

    func describe(table: String) throws -> StatementResult {
        let snapshot = readSnapshot
        if let data = snapshot.table(table) {
            return describeColumns(data.schema.columns.map { ($0.name, $0.type, !$0.notNull) })
        }
        if let view = snapshot.view(table) {
            let planned = try Planner(snapshot: snapshot).plan(try viewQuery(view))
            return describeColumns(planned.columns.map { ($0.name, $0.type, true) })
        }
        throw TeleError(.undefinedTable, "relation \"\(table)\" does not exist", hint: hintForTable(table, in: snapshot))
    }

    func describe(query: SelectStatement) throws -> StatementResult {
        let planned = try Planner(snapshot: catalogSnapshot(readSnapshot)).plan(query)
        return describeColumns(planned.columns.map { ($0.name, $0.type, true) })
    }

    private func describeColumns(_ columns: [(name: String, type: DataType, nullable: Bool)]) -> StatementResult {
        var names = VectorBuilder(type: .varchar)
        var types = VectorBuilder(type: .varchar)
        var nullable = VectorBuilder(type: .varchar)
        for column in columns {
            names.appendString(column.name)
            types.appendString(column.type.sqlName)
            nullable.appendString(column.nullable ? "YES" : "NO")
        }
        return rowsResult(
            columns: [
                ResultColumn(name: "column_name", type: .varchar), ResultColumn(name: "column_type", type: .varchar),
                ResultColumn(name: "null", type: .varchar),
            ], vectors: [names.finish(), types.finish(), nullable.finish()])
    }


    // MARK: Result helpers

    func result(_ tag: String, notices: [String] = []) -> StatementResult {
        StatementResult(columns: [], chunks: [], commandTag: tag, rowCount: 0, notices: notices)
    }

    func rowsResult(columns: [ResultColumn], vectors: [Vector]) -> StatementResult {
        let count = vectors.first?.count ?? 0
        let chunks = count == 0 ? [] : [DataChunk(columns: vectors, count: count)]
        return StatementResult(columns: columns, chunks: chunks, commandTag: "SELECT \(count)", rowCount: count)
    }
}

extension Session {
    /// SQL keywords, for tab completion.
    public static var keywords: [String] {
        [
            "SELECT", "FROM", "WHERE", "GROUP", "BY", "ALL", "HAVING", "ORDER", "ASC", "DESC", "NULLS", "FIRST", "LAST",
            "LIMIT", "OFFSET", "DISTINCT", "AS", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "OUTER", "CROSS", "NATURAL",
            "ON", "USING", "UNION", "INTERSECT", "EXCEPT", "WITH", "CASE", "WHEN", "THEN", "ELSE", "END", "CAST", "AND",
            "OR", "NOT", "NULL", "IS", "IN", "EXISTS", "BETWEEN", "LIKE", "ILIKE", "TRUE", "FALSE", "INTERVAL", "DATE",
            "TIMESTAMP", "CREATE", "TABLE", "VIEW", "INDEX", "DROP", "IF", "INSERT", "INTO", "VALUES", "UPDATE", "SET",
            "DELETE", "COPY", "FORMAT", "EXPLAIN", "ANALYZE", "SHOW", "TABLES", "DESCRIBE", "BEGIN", "COMMIT",
            "ROLLBACK", "PRIMARY", "KEY", "DEFAULT", "BOOLEAN", "SMALLINT", "INTEGER", "BIGINT", "REAL", "DOUBLE",
            "VARCHAR", "TEXT", "HISTOGRAM",
        ]
    }

    /// Scalar and aggregate function names, for tab completion.
    public static var functionNames: [String] {
        Array(Set(ScalarFunctionRegistry.functionNames + AggregateFunctionRegistry.functionNames)).sorted()
    }
}
