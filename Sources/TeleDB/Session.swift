// A session runs SQL text statement by statement, in autocommit mode or inside an explicit
// transaction, and turns each statement into a `StatementResult`.
//
// Reads plan against a snapshot: the latest committed one in autocommit mode, or the open
// transaction's own view inside BEGIN ... COMMIT. Every write statement outside a
// transaction runs in a write transaction of its own and commits at its end, so a failed
// statement changes nothing.

import Foundation
import TeleCore
import TeleExecution
import TelePlanner
import TeleStorage
import TeleSyntax

public final class Session {
    public let database: Database

    /// True between BEGIN and COMMIT or ROLLBACK.
    var transactionOpen = false
    /// The write transaction of the explicit transaction block, begun by its first write. A
    /// block that only reads therefore never takes the database's one writer slot, so another
    /// session's BEGIN does not wait for it, as in PostgreSQL.
    var transaction: WriteTransaction?
    /// Set when a statement failed inside an explicit transaction: like PostgreSQL, every
    /// later statement fails until ROLLBACK (or COMMIT, which then rolls back).
    var transactionFailed = false
    /// The time now() returns inside the explicit transaction: the start of its BEGIN.
    var transactionStart: Int64?
    /// Progress and cancellation of the running statement.
    public let monitor = QueryMonitor()
    /// Values of SET variables, by lower-cased name. Settings not here read their default
    /// from `CatalogSettings.defaults`.
    var settings: [String: String] = [:]
    /// Settings the connection started with, such as application_name from the startup
    /// packet, which RESET restores; the wire server fills them in.
    public var startupSettings: [String: String] = [:] {
        didSet { settings.merge(startupSettings) { _, startup in startup } }
    }
    /// The user that current_user and pg_roles report.
    public var userName = CatalogSettings.defaultUser
    /// The database name that current_database() and pg_database report; the wire server
    /// sets the name the client connected to.
    public var databaseName = CatalogSettings.defaultDatabase
    /// The process ID that pg_backend_pid() reports; the wire server sets its BackendKeyData ID.
    public var backendProcessID: Int32 = Int32(truncatingIfNeeded: ProcessInfo.processInfo.processIdentifier)

    init(database: Database) {
        self.database = database
    }

    deinit {
        transaction?.rollback()
    }

    /// True between BEGIN and COMMIT or ROLLBACK.
    public var inTransaction: Bool { transactionOpen }

    /// Runs one or more `;`-separated statements, returning one result per statement.
    ///
    /// Stops at the first error and throws it; statements before it stay done.
    public func execute(_ sql: String) throws -> [StatementResult] {
        var results: [StatementResult] = []
        for parsed in try Parser.parseWithText(sql) {
            results.append(try run(parsed.statement, text: parsed.queryText ?? parsed.text))
        }
        return results
    }

    /// Runs one parsed statement; `text` is its query as written, which CREATE VIEW stores.
    public func run(_ statement: Statement, text: String, parameters: [Value] = []) throws -> StatementResult {
        if transactionFailed {
            switch statement {
            case .rollback, .commit: break
            default:
                throw TeleError(
                    .inFailedSQLTransaction,
                    "current transaction is aborted, commands ignored until end of transaction block",
                    hint: "Run ROLLBACK to end the failed transaction.")
            }
        }
        monitor.reset()
        monitor.setStatementText(Self.displayText(of: statement, text: text))
        do {
            // PostgreSQL's now() is the transaction's start time, and a statement outside
            // BEGIN ... COMMIT is a transaction of its own.
            let startTime = transactionStart ?? StatementClock.systemMicros()
            return try Interruption.run(monitor) {
                try Parallelism.run(threads: queryThreads) {
                    try StatementClock.run(at: startTime) { try dispatch(statement, text: text, parameters: parameters) }
                }
            }
        } catch {
            if transactionOpen { transactionFailed = true }
            throw error
        }
    }

    private func dispatch(_ statement: Statement, text: String, parameters: [Value]) throws -> StatementResult {
        try rejectDirectUserTableChange(statement)
        switch statement {
        case .select(let query):
            return try runQuery(query, parameters: parameters).withShortestRealDigits()
        case .explain(let inner, let analyze):
            return try explain(inner, analyze: analyze)
        case .showTables:
            return showTables()
        case .describe(let table):
            return try describe(table: table)
        case .describeQuery(let query):
            return try describe(query: query)
        case .show(let name):
            return try show(name)
        case .set(let name, let value):
            return try set(name, value)
        case .sessionCommand(let command):
            return try runSessionCommand(command)
        case .reset(let name):
            return reset(name)
        case .closeCursor(let name):
            return try closeCursor(name)
        case .unlisten:
            // Sessions without a wire connection receive no notifications, so there is no
            // channel to stop listening on. The wire server handles UNLISTEN itself.
            return result("UNLISTEN")
        case .begin:
            return try begin()
        case .commit:
            return try commit()
        case .rollback:
            return rollback()
        case .copyFrom(let table, let path, let options) where try copyLoadsPings(path: path, options: options):
            // Ping loads commit batches of their own, so they run outside a statement
            // transaction.
            return try copyPings(into: table, from: path, options: options)
        case .listen, .unlisten, .notify, .declareCursor, .fetch, .closeCursor:
            // The wire server runs these itself: they need other connections or a portal.
            throw TeleError(
                .featureNotSupported, "\(Self.keyword(of: statement)) works only over the wire server",
                hint: "Connect with psql or a PostgreSQL driver to a server started by teledb serve.")
        default:
            return try write { transaction in
                let baseCounts = try self.materializedViewBaseCounts(in: transaction)
                let result = try self.runWrite(statement, text: text, in: transaction)
                try self.maintainMaterializedViews(after: statement, baseCounts: baseCounts, in: transaction)
                return result
            }
        }
    }

    private static func keyword(of statement: Statement) -> String {
        switch statement {
        case .listen: return "LISTEN"
        case .unlisten: return "UNLISTEN"
        case .notify: return "NOTIFY"
        case .declareCursor: return "DECLARE CURSOR"
        case .fetch: return "FETCH"
        default: return "CLOSE"
        }
    }

    /// Runs `body` in the open transaction, or in a new one committed when `body` returns.
    func write(_ body: (WriteTransaction) throws -> StatementResult) throws -> StatementResult {
        if let transaction { return try body(transaction) }
        if transactionOpen {
            let opened = try beginWriteTransaction()
            transaction = opened
            return try body(opened)
        }
        let transaction = try beginWriteTransaction()
        do {
            let result = try body(transaction)
            try transaction.commit()
            return result
        } catch {
            transaction.rollback()
            throw error
        }
    }

    /// Waits for the database's one write transaction, looking for a cancel every 100 ms, so
    /// Ctrl-C, a cancel request or statement_timeout ends the wait.
    func beginWriteTransaction() throws -> WriteTransaction {
        while true {
            do {
                return try database.storage.beginWrite(timeout: .milliseconds(100))
            } catch let error as TeleError where error.state == .lockNotAvailable {
                try Interruption.check()
            }
        }
    }

    /// The snapshot reads see: the open transaction's, or the latest committed one.
    var readSnapshot: any Snapshot {
        transaction?.snapshot ?? database.storage.snapshot()
    }

    /// `snapshot` with reads reported to the monitor, for planning statements that scan.
    func monitored(_ snapshot: any Snapshot) -> any Snapshot {
        MonitoredSnapshot(base: snapshot, monitor: monitor)
    }

    /// Asks the running statement to stop with SQLSTATE 57014; safe from any thread.
    public func cancel() {
        monitor.cancel()
    }

    private func runWrite(_ statement: Statement, text: String, in transaction: WriteTransaction) throws
        -> StatementResult
    {
        switch statement {
        case .createTable(let create): return try createTable(create, in: transaction)
        case .createTableAs(let name, let ifNotExists, let query):
            return try createTableAs(name: name, ifNotExists: ifNotExists, query: query, in: transaction)
        case .dropTable(let names, let ifExists): return try dropTables(names, ifExists: ifExists, in: transaction)
        case .createView(let name, let orReplace, let ifNotExists, let columns, let query):
            return try createView(
                name: name, orReplace: orReplace, ifNotExists: ifNotExists, columns: columns, query: query,
                text: text, in: transaction)
        case .dropView(let names, let ifExists): return try dropViews(names, ifExists: ifExists, in: transaction)
        case .createMaterializedView(let name, let ifNotExists, let query):
            return try createMaterializedView(name: name, ifNotExists: ifNotExists, query: query, text: text, in: transaction)
        case .dropMaterializedView(let names, let ifExists):
            return try dropMaterializedViews(names, ifExists: ifExists, in: transaction)
        case .refreshMaterializedView(let name): return try refreshMaterializedView(name, in: transaction)
        case .createIndex(let name, let ifNotExists, let table, let columns, _):
            return try createIndex(name: name, ifNotExists: ifNotExists, table: table, columns: columns, in: transaction)
        case .dropIndex(let name, let ifExists): return try dropIndex(name: name, ifExists: ifExists)
        case .insert(let insert): return try self.insert(insert, in: transaction)
        case .update(let update): return try self.update(update, in: transaction)
        case .delete(let table, let alias, let whereClause):
            return try delete(table: table, alias: alias, whereClause: whereClause, in: transaction)
        case .copyFrom(let table, let path, let options):
            return try copy(into: table, from: path, options: options, in: transaction)
        case .user(let user): return try runUserStatement(user, in: transaction)
        default:
            throw TeleError.internalError("statement \(statement) reached the write path")
        }
    }

    // MARK: Queries

    func runQuery(_ query: SelectStatement, parameters: [Value]) throws -> StatementResult {
        let query = try answeringView(for: query)?.query ?? query
        let snapshot = catalogSnapshot(monitored(readSnapshot))
        let planned = try Planner(snapshot: snapshot).plan(query, parameters: parameters)
        keepRecordedSettings(of: snapshot)
        var chunks: [DataChunk] = []
        var rowCount = 0
        while let chunk = try planned.root.next() {
            try monitor.checkCancelled()
            chunks.append(chunk)
            rowCount += chunk.count
        }
        let columns = planned.columns.map { ResultColumn(name: $0.name, type: $0.type) }
        return StatementResult(columns: columns, chunks: chunks, commandTag: "SELECT \(rowCount)", rowCount: rowCount)
    }

    private func explain(_ statement: Statement, analyze: Bool) throws -> StatementResult {
        let planText: String
        switch statement {
        case .select(let query):
            if let answer = try answeringView(for: query) {
                planText = "MaterializedView \(answer.view)\n" + (try Planner(snapshot: readSnapshot).explain(answer.query))
                    .split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
            } else {
                planText = try Planner(snapshot: catalogSnapshot(readSnapshot)).explain(query)
            }
        case .insert(let insert):
            guard case .query(let query) = insert.source else {
                planText = "Insert \(insert.table) values\n"
                break
            }
            planText = "Insert \(insert.table)\n"
                + (try Planner(snapshot: readSnapshot).explain(query)).split(separator: "\n")
                .map { "  " + $0 }.joined(separator: "\n")
        case .createTableAs(let name, _, let query):
            planText = "CreateTableAs \(name)\n"
                + (try Planner(snapshot: readSnapshot).explain(query)).split(separator: "\n")
                .map { "  " + $0 }.joined(separator: "\n")
        default:
            throw TeleError.notSupported(
                "EXPLAIN supports SELECT, INSERT ... SELECT and CREATE TABLE AS",
                hint: "Write EXPLAIN in front of a query.")
        }
        var lines = planText.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        if analyze {
            // NOTE: EXPLAIN ANALYZE measures the whole query; operators keep no timings yet.
            let start = DispatchTime.now().uptimeNanoseconds
            let result = try runQuery(try queryOf(statement), parameters: [])
            let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            lines.append(String(format: "Execution: %d rows in %.3f ms", result.rowCount, milliseconds))
        }
        var builder = VectorBuilder(type: .varchar, capacity: lines.count)
        for line in lines { builder.appendString(line) }
        let chunk = DataChunk(columns: [builder.finish()], count: lines.count)
        return StatementResult(
            columns: [ResultColumn(name: "QUERY PLAN", type: .varchar)], chunks: [chunk], commandTag: "EXPLAIN",
            rowCount: lines.count)
    }

    private func queryOf(_ statement: Statement) throws -> SelectStatement {
        switch statement {
        case .select(let query): return query
        case .createTableAs(_, _, let query): return query
        case .insert(let insert):
            if case .query(let query) = insert.source { return query }
        default: break
        }
        throw TeleError.notSupported("EXPLAIN ANALYZE supports queries only")
    }

    // MARK: Transactions

    private func begin() throws -> StatementResult {
        guard !transactionOpen else {
            // PostgreSQL only warns and keeps the open transaction.
            return StatementResult(
                columns: [], chunks: [], commandTag: "BEGIN", rowCount: 0,
                notices: ["there is already a transaction in progress"])
        }
        transactionOpen = true
        transactionStart = StatementClock.now()
        return StatementResult(columns: [], chunks: [], commandTag: "BEGIN", rowCount: 0)
    }

    private func commit() throws -> StatementResult {
        guard transactionOpen else {
            return StatementResult(
                columns: [], chunks: [], commandTag: "COMMIT", rowCount: 0,
                notices: ["there is no transaction in progress"])
        }
        let open = transaction
        transaction = nil
        transactionOpen = false
        transactionStart = nil
        if transactionFailed {
            transactionFailed = false
            open?.rollback()
            return StatementResult(columns: [], chunks: [], commandTag: "ROLLBACK", rowCount: 0)
        }
        try open?.commit()
        return StatementResult(columns: [], chunks: [], commandTag: "COMMIT", rowCount: 0)
    }

    private func rollback() -> StatementResult {
        var notices: [String] = []
        if !transactionOpen { notices.append("there is no transaction in progress") }
        transaction?.rollback()
        transaction = nil
        transactionOpen = false
        transactionStart = nil
        transactionFailed = false
        return StatementResult(columns: [], chunks: [], commandTag: "ROLLBACK", rowCount: 0, notices: notices)
    }
}
