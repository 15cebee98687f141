// Cursors (DECLARE, FETCH, CLOSE) and RESET, which the connection keeps beside its session.
//
// A cursor runs its query when it is declared and keeps the result, so FETCH only slices
// rows off it. As in PostgreSQL, a cursor without WITH HOLD can only be declared inside a
// transaction block and closes when the block ends.

import TeleCore
import TeleDB
import TeleSyntax

/// The rows of a declared cursor not fetched yet.
struct DeclaredCursor {
    var result: StatementResult
    var hold: Bool
    private var chunkIndex = 0
    private var rowInChunk = 0

    init(result: StatementResult, hold: Bool) {
        self.result = result
        self.hold = hold
    }

    var isExhausted: Bool { chunkIndex >= result.chunks.count }

    /// Removes and returns up to `count` rows (all that are left when nil) as chunks.
    mutating func take(_ count: Int64?) -> (chunks: [DataChunk], rowCount: Int) {
        var chunks: [DataChunk] = []
        var taken = 0
        let limit = count.map { Int(clamping: $0) } ?? Int.max
        while taken < limit, chunkIndex < result.chunks.count {
            let chunk = result.chunks[chunkIndex]
            let end = rowInChunk + min(limit - taken, chunk.count - rowInChunk)
            chunks.append(chunk.gathered((rowInChunk..<end).map { Int32($0) }))
            taken += end - rowInChunk
            rowInChunk = end
            if rowInChunk == chunk.count {
                chunkIndex += 1
                rowInChunk = 0
            }
        }
        return (chunks, taken)
    }
}

extension ClientConnection {
    /// The settings RESET restores, by lower-cased name; the values are captured at startup.
    static let resettableSettings = [
        "application_name", "datestyle", "search_path", "statement_timeout", "timezone",
    ]

    /// Returns whether `statement` returns rows, including FETCH, which the server runs
    /// without the session.
    static func returnsRows(_ statement: Statement) -> Bool {
        if case .fetch = statement { return true }
        return Session.returnsRows(statement)
    }

    func runCursorStatement(_ statement: Statement, text: String) throws -> StatementResult {
        switch statement {
        case .declareCursor(let name, let hold, let query):
            guard cursors[name] == nil else {
                throw TeleError(SQLState("42P03"), "cursor \"\(name)\" already exists", hint: "CLOSE it first, or use another name.")
            }
            guard hold || session.inTransaction else {
                throw TeleError(
                    .noActiveSQLTransaction, "DECLARE CURSOR can only be used in transaction blocks",
                    hint: "Run BEGIN first, or declare the cursor WITH HOLD.")
            }
            let result = try runInSession(.select(query), text: text, parameters: [])
            cursors[name] = DeclaredCursor(result: result, hold: hold)
            return StatementResult(columns: [], chunks: [], commandTag: "DECLARE CURSOR", rowCount: 0)
        case .fetch(let name, let count):
            var cursor = try declaredCursor(name)
            let (chunks, rowCount) = cursor.take(count)
            cursors[name] = cursor
            return StatementResult(
                columns: cursor.result.columns, chunks: chunks, commandTag: "FETCH \(rowCount)", rowCount: rowCount)
        case .closeCursor(let name):
            if let name {
                _ = try declaredCursor(name)
                cursors[name] = nil
            } else {
                cursors.removeAll()
            }
            return StatementResult(columns: [], chunks: [], commandTag: name == nil ? "CLOSE CURSOR ALL" : "CLOSE CURSOR", rowCount: 0)
        default:
            throw TeleError.internalError("\(statement) is not a cursor statement")
        }
    }

    func declaredCursor(_ name: String) throws -> DeclaredCursor {
        guard let cursor = cursors[name] else {
            throw TeleError(SQLState("34000"), "cursor \"\(name)\" does not exist", hint: "Declare it with DECLARE name CURSOR FOR query.")
        }
        return cursor
    }

    /// Runs an Execute message on a cursor, which PostgreSQL exposes as a portal of the same
    /// name; psycopg reads server-side cursors this way. `maxRows` 0 sends every row left.
    func executeCursor(_ name: String, maxRows: Int) throws {
        var cursor = try declaredCursor(name)
        let (chunks, rowCount) = cursor.take(maxRows == 0 ? nil : Int64(maxRows))
        cursors[name] = cursor
        let rows = StatementResult(columns: cursor.result.columns, chunks: chunks, commandTag: "", rowCount: rowCount)
        var writer = ResultCursor(result: rows, binary: [])
        try writer.writeRows(maxRows: 0, connection: self)
        if maxRows > 0, !cursor.isExhausted {
            self.writer.empty(.portalSuspended)
        } else {
            writeCommandComplete("FETCH \(rowCount)")
        }
    }

    /// Closes the cursors declared without WITH HOLD, when a transaction block ends.
    func closeTransactionCursors() {
        cursors = cursors.filter { $0.value.hold }
    }

    /// Restores one setting, or every resettable one, to its value at startup.
    func runReset(_ name: String?) throws -> StatementResult {
        let keys: [String]
        if let name {
            let key = name.lowercased()
            guard initialSettings[key] != nil else {
                // Validates the name; a setting without a startup value keeps its value.
                _ = try session.run(.show(name: key), text: "SHOW \(key)")
                return StatementResult(columns: [], chunks: [], commandTag: "RESET", rowCount: 0)
            }
            keys = [key]
        } else {
            keys = Self.resettableSettings
        }
        for key in keys {
            guard let value = initialSettings[key] else { continue }
            try applySetting(key, value)
            if key == "statement_timeout" { sessionStatementTimeout = nil }
            if let reported = Self.reportedSettings.first(where: { $0.key == key }) {
                writeParameterStatus(reported.name, value: settingValue(key))
            }
        }
        return StatementResult(columns: [], chunks: [], commandTag: "RESET", rowCount: 0)
    }
}
