// Test doubles for the engine: a session that returns canned results or errors for known
// SQL texts, and an engine that hands out such sessions.

import TeleCore
import TeleDB
@testable import TeleShell

/// Builds a result from boxed rows, one chunk of constant vectors per row.
func makeResult(_ columns: [(String, DataType)], _ rows: [[Value]]) -> StatementResult {
    let resultColumns = columns.map { ResultColumn(name: $0.0, type: $0.1) }
    let chunks = rows.map { row in
        DataChunk(columns: zip(row, resultColumns).map { Vector.constant($0, type: $1.type, count: 1) }, count: 1)
    }
    return StatementResult(columns: resultColumns, chunks: chunks, commandTag: "SELECT \(rows.count)", rowCount: rows.count)
}

/// A result without rows, as DDL and DML return.
func makeCommandResult(_ tag: String) -> StatementResult {
    StatementResult(columns: [], chunks: [], commandTag: tag, rowCount: 0)
}

final class ScriptedSession: ShellSession {
    var responses: [String: Result<[StatementResult], TeleError>] = [:]
    var tables: [String: [ResultColumn]] = [:]
    private(set) var executed: [String] = []

    func answer(_ sql: String, with result: StatementResult) {
        responses[sql] = .success([result])
    }

    func fail(_ sql: String, with error: TeleError) {
        responses[sql] = .failure(error)
    }

    func execute(_ sql: String) throws -> [StatementResult] {
        executed.append(sql)
        guard let response = responses[sql] else {
            throw TeleError(.syntaxError, "no scripted response for \"\(sql)\"")
        }
        return try response.get()
    }

    var tableNames: [String] { tables.keys.sorted() }

    func columns(of table: String) -> [ResultColumn]? { tables[table] }
}

final class ScriptedDatabase: ShellDatabase {
    let session: ScriptedSession

    init(session: ScriptedSession = ScriptedSession()) {
        self.session = session
    }

    func makeSession() -> any ShellSession { session }

    func ingest(files: [String], dedupe: Bool, schemaPath: String?,
                progress: (@Sendable (Int, Int) -> Void)?) throws -> IngestSummary {
        IngestSummary(line: "\(files.count) files", notices: [])
    }
}

struct ScriptedEngine: ShellEngine {
    let database: ScriptedDatabase

    func openDatabase(path: String) throws -> any ShellDatabase { database }
    func inMemoryDatabase() -> any ShellDatabase { database }
    var defaultDatabasePath: String { "/nonexistent/default.tdb" }
    func generatePings(count: Int, seed: UInt64, to path: String) throws {}
    var keywords: [String] { ["SELECT", "FROM"] }
    var functionNames: [String] { ["count"] }
    var version: String { "0.0-test" }
}

/// Collects what a shell prints on stdout and stderr.
final class OutputCapture {
    var output = ""
    var errors = ""

    func makeShell(session: ScriptedSession, inScript: Bool = true) -> Shell {
        let database = ScriptedDatabase(session: session)
        return Shell(engine: ScriptedEngine(database: database), database: database, inScript: inScript,
                     output: { self.output += $0 }, errorOutput: { self.errors += $0 })
    }
}
