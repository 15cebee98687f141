// The simple Query message and what both protocols share: running one statement through the
// session (or the notification hub for LISTEN, UNLISTEN and NOTIFY), and writing
// ErrorResponse and NoticeResponse messages.

import TeleCore
import TeleDB
import TeleSyntax

extension ClientConnection {
    /// Runs every statement of a Query message in order and stops at the first error, as
    /// PostgreSQL does. A syntax error anywhere runs nothing, because the whole text is
    /// parsed first.
    func handleQuery(_ body: [UInt8]) throws {
        var reader = MessageReader(body, messageName: "Query")
        let text = try reader.cString()
        try reader.finish()
        // A simple query ends the unnamed statement and portal, as in PostgreSQL.
        preparedStatements[""] = nil
        portals[""] = nil

        let statements: [ParsedStatement]
        do {
            statements = try Self.parse(text)
        } catch {
            writeError(error, sourceText: text)
            writeReadyForQuery()
            return
        }
        if statements.isEmpty { writer.empty(.emptyQueryResponse) }
        for parsed in statements {
            do {
                let result = try execute(parsed.statement, text: parsed.queryText ?? parsed.text, parameters: [])
                if result.returnsRows { writeRowDescription(result.columns, binary: []) }
                var cursor = ResultCursor(result: result, binary: [])
                try cursor.writeRows(maxRows: 0, connection: self)
                writeCommandComplete(result.commandTag)
            } catch let end as ConnectionEnd {
                throw end
            } catch {
                writeError(error, sourceText: text)
                break
            }
        }
        writeReadyForQuery()
    }

    /// Parses a query string, turning the syntax error of a COPY to or from the client into
    /// a clear 0A000.
    static func parse(_ text: String) throws -> [ParsedStatement] {
        do {
            return try Parser.parseWithText(text)
        } catch let error as TeleError where error.state == .syntaxError {
            // NOTE: COPY FROM STDIN and COPY TO STDOUT need the CopyIn and CopyOut
            // sub-protocols, which the server does not speak.
            let words = ((try? Lexer.tokenize(text)) ?? []).filter { $0.kind == .word }.map(\.value)
            if words.first == "copy", let stream = words.first(where: { $0 == "stdin" || $0 == "stdout" }) {
                throw TeleError.notSupported(
                    "COPY \(stream == "stdin" ? "FROM STDIN" : "TO STDOUT") is not supported",
                    hint: stream == "stdin"
                        ? "Load files with COPY table FROM 'path' on the server, or send INSERT statements."
                        : "Run the query with SELECT and read its rows.")
            }
            throw error
        }
    }

    // MARK: Running one statement

    /// Runs one statement, enforcing the statement timeout and tracking the transaction
    /// state, and writes its notices.
    ///
    /// - Throws: The statement's error, with a cancellation reworded by its cause;
    ///   `ConnectionEnd` when the server stops or the client hung up while it ran.
    func execute(_ statement: Statement, text: String, parameters: [Value]) throws -> StatementResult {
        let result: StatementResult
        do {
            switch statement {
            case .listen, .unlisten, .notify:
                result = try runNotificationStatement(statement)
            case .select(let query) where Self.notifyCall(in: query) != nil:
                result = try runNotifyFunction(query, parameters: parameters)
            case .declareCursor, .fetch, .closeCursor:
                try rejectInFailedTransaction()
                result = try runCursorStatement(statement, text: text)
            case .reset(let name):
                try rejectInFailedTransaction()
                result = try runReset(name)
            case .sessionCommand(.deallocate(let name)):
                // Drivers such as psycopg deallocate their statements after DDL. The unnamed
                // statement may be running this command, so it stays.
                if let name {
                    guard preparedStatements.removeValue(forKey: name) != nil else {
                        throw TeleError(
                            SQLState("26000"), "prepared statement \"\(name)\" does not exist",
                            hint: "Check the name the statement was prepared with.")
                    }
                } else {
                    preparedStatements = preparedStatements.filter { $0.key.isEmpty }
                }
                result = try runInSession(statement, text: text, parameters: parameters)
            case .sessionCommand(.discard("all")):
                // The session resets its settings; the connection drops what it keeps
                // beside the session, as PostgreSQL's DISCARD ALL does (CLOSE ALL,
                // UNLISTEN *, DEALLOCATE ALL). The unnamed statement and portal may be the
                // ones running this command, so they stay.
                result = try runInSession(statement, text: text, parameters: parameters)
                cursors.removeAll()
                server.notifications.unlisten(processID, channel: nil)
                preparedStatements = preparedStatements.filter { $0.key.isEmpty }
                portals = portals.filter { $0.key.isEmpty }
            default:
                result = try runInSession(statement, text: text, parameters: parameters)
            }
        } catch {
            if session.inTransaction { transactionFailed = true }
            throw error
        }
        afterStatement(statement, result: result)
        for notice in result.notices { writeNotice(notice) }
        return result
    }

    func runInSession(_ statement: Statement, text: String, parameters: [Value]) throws -> StatementResult {
        handle?.beginStatement(timeout: sessionStatementTimeout ?? configuration.statementTimeout)
        do {
            let result = try session.run(statement, text: text, parameters: parameters)
            _ = handle?.endStatement()
            return result
        } catch var error as TeleError where error.state == .queryCanceled {
            switch handle?.endStatement() {
            case .statementTimeout:
                error.message = "canceling statement due to statement timeout"
                error.hint = "Raise statement_timeout (in milliseconds), or make the query cheaper."
            case .serverShutdown:
                throw ConnectionEnd.fatal(Self.shutdownError)
            case .clientDisconnected:
                throw ConnectionEnd.clientClosed
            case .userRequest, nil:
                break
            }
            log.info("connection \(processID): \(error.message)")
            throw error
        } catch {
            _ = handle?.endStatement()
            throw error
        }
    }

    /// Updates what the connection keeps beside the session after a successful statement:
    /// reported settings, the statement timeout, and notifications held for COMMIT.
    private func afterStatement(_ statement: Statement, result: StatementResult) {
        switch statement {
        case .set(let name, _):
            let key = name.lowercased()
            if key == "statement_timeout" { sessionStatementTimeout = Self.parseTimeout(settingValue(key)) }
            if let reported = Self.reportedSettings.first(where: { $0.key == key }) {
                writeParameterStatus(reported.name, value: settingValue(key))
            }
        case .commit where result.commandTag == "COMMIT":
            for notification in pendingNotifications { server.notifications.post(notification) }
            pendingNotifications = []
            closeTransactionCursors()
        case .commit, .rollback:
            pendingNotifications = []
            closeTransactionCursors()
        default:
            break
        }
    }

    /// Reads a statement_timeout value: milliseconds, or a number with `ms`, `s`, `min` or
    /// `h`. Returns seconds, 0 for none; nil for text it cannot read.
    static func parseTimeout(_ text: String) -> Double? {
        let trimmed = text.trimmingSpaces().lowercased()
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        guard let number = Double(digits) else { return nil }
        switch trimmed.dropFirst(digits.count).trimmingPrefix(" ") {
        case "", "ms": return number / 1000
        case "s": return number
        case "min": return number * 60
        case "h": return number * 3600
        default: return nil
        }
    }

    // MARK: LISTEN, UNLISTEN and NOTIFY

    /// Throws 25P02 inside a failed transaction block, as the session does for its statements.
    func rejectInFailedTransaction() throws {
        if transactionFailed {
            throw TeleError(
                .inFailedSQLTransaction, "current transaction is aborted, commands ignored until end of transaction block",
                hint: "Run ROLLBACK to end the failed transaction.")
        }
    }

    private func runNotificationStatement(_ statement: Statement) throws -> StatementResult {
        try rejectInFailedTransaction()
        guard let handle else { throw TeleError.internalError("notification statement before startup finished") }
        switch statement {
        case .listen(let channel):
            server.notifications.listen(handle, channel: channel)
            return StatementResult(columns: [], chunks: [], commandTag: "LISTEN", rowCount: 0)
        case .unlisten(let channel):
            server.notifications.unlisten(processID, channel: channel)
            return StatementResult(columns: [], chunks: [], commandTag: "UNLISTEN", rowCount: 0)
        case .notify(let channel, let payload):
            let payload = payload ?? ""
            // PostgreSQL's limit: a payload must be shorter than 8000 bytes.
            guard payload.utf8.count < 8000 else {
                throw TeleError(
                    .invalidParameterValue, "payload string too long: \(payload.utf8.count) bytes",
                    hint: "Keep NOTIFY payloads under 8000 bytes; store larger data in a table and send its key.")
            }
            let notification = Notification(channel: channel, payload: payload, senderProcessID: processID)
            if session.inTransaction {
                pendingNotifications.append(notification)
            } else {
                server.notifications.post(notification)
            }
            return StatementResult(columns: [], chunks: [], commandTag: "NOTIFY", rowCount: 0)
        default:
            throw TeleError.internalError("\(statement) is not a notification statement")
        }
    }

    /// Returns the arguments of `SELECT pg_notify(channel, payload)`, the function form of
    /// NOTIFY, or nil for any other query.
    static func notifyCall(in query: SelectStatement) -> [Expression]? {
        guard query.with.isEmpty, query.orderBy.isEmpty, query.limit == nil, case .select(let core) = query.body,
            core.from.isEmpty, core.whereClause == nil, core.items.count == 1,
            case .expression(let expression, _) = core.items[0], case .function(let call) = expression.kind,
            call.name == "pg_notify" || call.name == "pg_catalog.pg_notify", call.arguments.count == 2
        else { return nil }
        return call.arguments
    }

    /// Runs `SELECT pg_notify(channel, payload)` with string literals or parameters as
    /// arguments, and returns its one row, an empty text as PostgreSQL's void prints.
    private func runNotifyFunction(_ query: SelectStatement, parameters: [Value]) throws -> StatementResult {
        let arguments = Self.notifyCall(in: query) ?? []
        var texts: [String] = []
        for argument in arguments {
            switch argument.kind {
            case .literal(.string(let text)):
                texts.append(text)
            case .parameter(let number) where number >= 1 && number <= parameters.count:
                guard let text = parameters[number - 1].text else {
                    throw TeleError(
                        .nullValueNotAllowed, "pg_notify arguments must not be NULL", hint: "Pass a channel name and a payload text.")
                }
                texts.append(text)
            default:
                throw TeleError.notSupported(
                    "pg_notify takes only string literals or parameters here",
                    hint: "Write SELECT pg_notify('channel', 'payload'), or use NOTIFY channel, 'payload'.")
            }
        }
        guard !texts[0].isEmpty else {
            throw TeleError(.invalidParameterValue, "channel name cannot be empty", hint: "Name the channel to notify.")
        }
        _ = try runNotificationStatement(.notify(channel: texts[0], payload: texts[1]))
        var builder = VectorBuilder(type: .varchar, capacity: 1)
        builder.appendString("")
        let chunk = DataChunk(columns: [builder.finish()], count: 1)
        return StatementResult(
            columns: [ResultColumn(name: "pg_notify", type: .varchar)], chunks: [chunk], commandTag: "SELECT 1", rowCount: 1)
    }

    // MARK: Responses

    func writeCommandComplete(_ tag: String) {
        writer.begin(.commandComplete)
        writer.cString(tag)
        writer.end()
    }

    /// Writes an ErrorResponse for `error` and logs it.
    ///
    /// - Parameter sourceText: The SQL the error position points into; the position is sent
    ///   as a 1-based character index into it.
    func writeError(_ error: any Error, sourceText: String? = nil) {
        let teleError = error as? TeleError ?? TeleError.internalError("\(error)")
        log.error("connection \(processID): \(teleError.state.code) \(teleError.message)")
        writeErrorResponse(teleError, severity: "ERROR", sourceText: sourceText)
    }

    func writeErrorResponse(_ error: TeleError, severity: String, sourceText: String?) {
        writer.begin(.errorResponse)
        writeField("S", severity)
        writeField("V", severity)
        writeField("C", error.state.code)
        writeField("M", error.message)
        if let detail = error.detail { writeField("D", detail) }
        if let hint = error.hint { writeField("H", hint) }
        if let position = error.position, let sourceText {
            writeField("P", String(Self.characterPosition(byteOffset: position.offset, in: sourceText)))
        }
        writer.int8(0)
        writer.end()
    }

    func writeNotice(_ message: String) {
        writer.begin(.noticeResponse)
        writeField("S", "NOTICE")
        writeField("V", "NOTICE")
        writeField("C", "00000")
        writeField("M", message)
        writer.int8(0)
        writer.end()
    }

    private func writeField(_ code: Character, _ value: String) {
        writer.int8(code.asciiValue ?? 0)
        writer.cString(value)
    }

    /// Converts a byte offset into the 1-based character index that PostgreSQL's P field carries.
    static func characterPosition(byteOffset: Int, in text: String) -> Int {
        let utf8 = Array(text.utf8)
        let clamped = max(0, min(byteOffset, utf8.count))
        return String(decoding: utf8[..<clamped], as: UTF8.self).count + 1
    }
}
