// The extended query protocol: Parse, Bind, Describe, Execute, Close and Sync.
//
// An error in any of these messages is sent once, and every later message up to Sync is
// skipped, so the client's pipeline of messages stays in step with the server's replies.
// Portals live until Sync outside a transaction block, or until the block ends, as in
// PostgreSQL, where an implicit transaction ends at Sync.

import TeleCore
import TeleDB
import TeleSyntax

/// A statement prepared by Parse.
struct PreparedStatement {
    var text: String
    /// nil for an empty query string, for which Execute sends EmptyQueryResponse.
    var parsed: ParsedStatement?
    /// One type OID per parameter: declared at Parse, read from a `$n::type` cast in the
    /// text, inferred from the column or literal it meets, or 0 when unknown.
    var parameterTypes: [Int32]
    /// The result column types a Describe reported, which a client such as asyncpg keeps
    /// decoding with; nil until the statement is described.
    var describedTypes: [DataType]?
}

/// A prepared statement bound to parameter values by Bind.
struct Portal {
    var statement: PreparedStatement
    var parameters: [Value]
    var resultFormats: [Int16]
    /// The rows not yet sent, once the statement ran.
    var cursor: ResultCursor?
    /// The command tag of a statement that returned no rows, once it ran.
    var completedTag: String?
    /// Whether an Execute stopped at its row limit before the rows ran out.
    var suspended = false
}

extension ClientConnection {
    /// Runs one extended-protocol message; a statement error is sent and starts the skip to
    /// Sync, while protocol violations and connection ends pass through.
    func extended(_ body: () throws -> Void) throws {
        extendedSourceText = nil
        do {
            try body()
        } catch let end as ConnectionEnd {
            throw end
        } catch let violation as ProtocolViolation {
            throw violation
        } catch {
            writeError(error, sourceText: extendedSourceText)
            skippingToSync = true
        }
    }

    func handleParse(_ body: [UInt8]) throws {
        var reader = MessageReader(body, messageName: "Parse")
        let name = try reader.cString()
        let text = try reader.cString()
        let declaredCount = Int(try reader.int16())
        guard declaredCount >= 0 else { throw ProtocolViolation.malformed("Parse message has a negative parameter count") }
        var declared: [Int32] = []
        for _ in 0..<declaredCount { declared.append(try reader.int32()) }
        try reader.finish()

        extendedSourceText = text
        if !name.isEmpty, preparedStatements[name] != nil {
            throw TeleError(
                SQLState("42P05"), "prepared statement \"\(name)\" already exists",
                hint: "Close the statement first, or use another name.")
        }
        let statements = try Self.parse(text)
        guard statements.count <= 1 else {
            throw TeleError(
                .syntaxError, "cannot insert multiple commands into a prepared statement",
                hint: "Send each statement in its own Parse message, or use a simple Query.")
        }
        let inferred = try ParameterTypes.infer(in: text)
        var types: [Int32] = []
        for index in 0..<max(declared.count, inferred.count) {
            let declaredType = index < declared.count ? declared[index] : 0
            types.append(declaredType != 0 ? declaredType : (index < inferred.count ? inferred[index] : 0))
        }
        if types.contains(0), let statement = statements.first?.statement {
            let fromContext = session.inferredParameterTypes(of: statement)
            for index in types.indices where types[index] == 0 {
                if let type = fromContext[index + 1] { types[index] = PostgresType.oid(for: type) }
            }
        }
        preparedStatements[name] = PreparedStatement(text: text, parsed: statements.first, parameterTypes: types)
        writer.empty(.parseComplete)
    }

    func handleBind(_ body: [UInt8]) throws {
        var reader = MessageReader(body, messageName: "Bind")
        let portalName = try reader.cString()
        let statementName = try reader.cString()
        let formats = try readInt16List(&reader)
        let valueCount = Int(try reader.int16())
        var values: [ArraySlice<UInt8>?] = []
        for _ in 0..<max(0, valueCount) {
            let length = Int(try reader.int32())
            values.append(length == -1 ? nil : try reader.bytes(length))
        }
        let resultFormats = try readInt16List(&reader)
        try reader.finish()

        let statement = try prepared(statementName)
        extendedSourceText = statement.text
        guard values.count == statement.parameterTypes.count else {
            throw TeleError(
                .protocolViolation,
                "bind message supplies \(values.count) parameters, but prepared statement \"\(statementName)\" requires "
                    + "\(statement.parameterTypes.count)",
                hint: "Send one value for each $n placeholder of the statement.")
        }
        guard formats.count <= 1 || formats.count == values.count else {
            throw TeleError(
                .protocolViolation, "bind message has \(formats.count) parameter formats but \(values.count) parameters",
                hint: "Send zero, one, or one format code per parameter.")
        }
        var parameters: [Value] = []
        for (index, value) in values.enumerated() {
            var format: Int16 = 0
            if formats.count == 1 {
                format = formats[0]
            } else if !formats.isEmpty {
                format = formats[index]
            }
            parameters.append(
                try ParameterDecoding.decode(value, format: format, typeOID: statement.parameterTypes[index], index: index))
        }
        if !portalName.isEmpty, portals[portalName] != nil {
            throw TeleError(SQLState("42P03"), "portal \"\(portalName)\" already exists", hint: "Close the portal first.")
        }
        portals[portalName] = Portal(statement: statement, parameters: parameters, resultFormats: resultFormats)
        writer.empty(.bindComplete)
    }

    func handleDescribe(_ body: [UInt8]) throws {
        var reader = MessageReader(body, messageName: "Describe")
        let kind = try reader.byte()
        let name = try reader.cString()
        try reader.finish()
        switch kind {
        case UInt8(ascii: "S"):
            let statement = try prepared(name)
            extendedSourceText = statement.text
            writer.begin(.parameterDescription)
            writer.int16(Int16(truncatingIfNeeded: statement.parameterTypes.count))
            // An unknown parameter type is reported as text, as PostgreSQL resolves one.
            for type in statement.parameterTypes { writer.int32(type == 0 ? PostgresType.text : type) }
            writer.end()
            guard let parsed = statement.parsed, Self.returnsRows(parsed.statement) else {
                writer.empty(.noData)
                return
            }
            let placeholders = [Value](repeating: .null, count: statement.parameterTypes.count)
            let columns: [ResultColumn]
            if case .fetch(let cursor, _) = parsed.statement {
                columns = try declaredCursor(cursor).result.columns
            } else if case .select(let query) = parsed.statement, Self.notifyCall(in: query) != nil {
                columns = [ResultColumn(name: "pg_notify", type: .varchar)]
            } else {
                columns = try session.resultColumns(of: parsed.statement, parameters: placeholders)
            }
            preparedStatements[name]?.describedTypes = columns.map(\.type)
            if columns.isEmpty { writer.empty(.noData) } else { writeRowDescription(columns, binary: []) }
        case UInt8(ascii: "P"):
            if portals[name] == nil, let cursor = cursors[name] {
                writeRowDescription(cursor.result.columns, binary: [])
                return
            }
            var portal = try self.portal(name)
            extendedSourceText = portal.statement.text
            guard let parsed = portal.statement.parsed, Self.returnsRows(parsed.statement) else {
                writer.empty(.noData)
                return
            }
            // The columns are known for sure only once the query is planned with its values,
            // so the portal runs here and Execute sends the rows it kept.
            try run(&portal, parsed)
            portals[name] = portal
            guard let cursor = portal.cursor else {
                writer.empty(.noData)
                return
            }
            writeRowDescription(cursor.result.columns, binary: cursor.binary)
        default:
            throw ProtocolViolation.malformed("invalid Describe target \(kind); expected S or P")
        }
    }

    func handleExecute(_ body: [UInt8]) throws {
        var reader = MessageReader(body, messageName: "Execute")
        let name = try reader.cString()
        let maxRows = Int(max(0, try reader.int32()))
        try reader.finish()

        if portals[name] == nil, cursors[name] != nil {
            try executeCursor(name, maxRows: maxRows)
            return
        }
        var portal = try self.portal(name)
        extendedSourceText = portal.statement.text
        guard let parsed = portal.statement.parsed else {
            writer.empty(.emptyQueryResponse)
            return
        }
        if portal.cursor == nil, portal.completedTag == nil { try run(&portal, parsed) }
        defer { portals[name] = portal }
        if let tag = portal.completedTag {
            writeCommandComplete(tag)
            return
        }
        guard var cursor = portal.cursor else { return }
        let sent = try cursor.writeRows(maxRows: maxRows, connection: self)
        portal.cursor = cursor
        if !cursor.isExhausted {
            portal.suspended = true
            writer.empty(.portalSuspended)
            return
        }
        let tag = cursor.result.commandTag
        // After a suspension PostgreSQL counts only the rows of the last Execute.
        writeCommandComplete(portal.suspended && tag.hasPrefix("SELECT") ? "SELECT \(sent)" : tag)
        // Another Execute of the finished portal then reports SELECT 0, as PostgreSQL does.
        portal.suspended = true
    }

    func handleClose(_ body: [UInt8]) throws {
        var reader = MessageReader(body, messageName: "Close")
        let kind = try reader.byte()
        let name = try reader.cString()
        try reader.finish()
        switch kind {
        case UInt8(ascii: "S"): preparedStatements[name] = nil
        case UInt8(ascii: "P"): portals[name] = nil
        default: throw ProtocolViolation.malformed("invalid Close target \(kind); expected S or P")
        }
        writer.empty(.closeComplete)
    }

    func handleSync(_ body: [UInt8]) throws {
        guard body.isEmpty else { throw ProtocolViolation.malformed("Sync message has a body") }
        skippingToSync = false
        if !session.inTransaction { portals.removeAll() }
        writeReadyForQuery()
    }

    // MARK: Helpers

    /// Runs a portal's statement and keeps its result in the portal.
    private func run(_ portal: inout Portal, _ parsed: ParsedStatement) throws {
        var parsed = parsed
        var parameters = portal.parameters
        if !parameters.isEmpty, !Self.bindsParameters(parsed.statement) {
            let text = try ParameterSubstitution.substitute(parameters, into: portal.statement.text)
            extendedSourceText = text
            guard let substituted = try Parser.parseWithText(text).first else {
                throw TeleError.internalError("a statement with parameters parsed to nothing")
            }
            parsed = substituted
            parameters = []
        }
        let result = try execute(parsed.statement, text: parsed.queryText ?? parsed.text, parameters: parameters)
        guard result.returnsRows else {
            portal.completedTag = result.commandTag
            return
        }
        // A table changed since the Describe: the client would decode the new values with
        // the old types, so refuse as PostgreSQL does (the driver then prepares again).
        if let described = portal.statement.describedTypes, !Self.sameTypes(described, result.columns.map(\.type)) {
            throw TeleError(
                .featureNotSupported, "cached plan must not change result type",
                hint: "Prepare the statement again; a table it reads changed since it was described.")
        }
        let binary = try Self.binaryFlags(portal.resultFormats, columnCount: result.columns.count)
        portal.cursor = ResultCursor(result: result, binary: binary)
    }

    /// Returns whether the result types still match those Describe reported. A NULL type at
    /// Describe (a column of bare NULL placeholders) matches any type.
    private static func sameTypes(_ described: [DataType], _ actual: [DataType]) -> Bool {
        described.count == actual.count && zip(described, actual).allSatisfy { $0 == $1 || $0 == .null }
    }

    /// Tells whether the session binds the `$n` values of `statement` itself, which it does for queries only.
    private static func bindsParameters(_ statement: Statement) -> Bool {
        if case .select = statement { return true }
        return false
    }

    private func prepared(_ name: String) throws -> PreparedStatement {
        guard let statement = preparedStatements[name] else {
            throw TeleError(
                SQLState("26000"), "prepared statement \"\(name)\" does not exist", hint: "Send a Parse message for it first.")
        }
        return statement
    }

    private func portal(_ name: String) throws -> Portal {
        guard let portal = portals[name] else {
            throw TeleError(SQLState("34000"), "portal \"\(name)\" does not exist", hint: "Send a Bind message for it first.")
        }
        return portal
    }

    private func readInt16List(_ reader: inout MessageReader) throws -> [Int16] {
        let count = Int(try reader.int16())
        guard count >= 0 else { throw ProtocolViolation.malformed("\(reader.messageName) message has a negative count") }
        var values: [Int16] = []
        for _ in 0..<count { values.append(try reader.int16()) }
        return values
    }
}
