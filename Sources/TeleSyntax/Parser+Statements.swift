// Statement dispatch and every statement other than queries: CREATE and DROP of tables,
// views and indexes, INSERT, UPDATE, DELETE, EXPLAIN, SHOW, DESCRIBE, COPY, transaction
// control and SET.

import TeleCore

extension SyntaxParser {
    mutating func parseStatement() throws -> Statement {
        let token = current
        guard token.kind == .word || token.isSymbol("(") else {
            throw unexpected(hint: "Expected a statement such as SELECT, INSERT or CREATE TABLE.")
        }
        if token.isSymbol("(") || startsQuery {
            return .select(try parseQuery())
        }
        switch token.value {
        case "create": return try parseCreate()
        case "drop": return try parseDrop()
        case "insert": return try parseInsert()
        case "update": return try parseUpdate()
        case "delete": return try parseDelete()
        case "explain":
            advance()
            let analyze = consumeWord("analyze") || consumeWord("analyse")
            // One level only, as in PostgreSQL; this also keeps a chain of EXPLAINs from
            // recursing without bound.
            if current.isWord("explain") {
                throw unexpected(hint: "Write EXPLAIN once, before the statement to explain.")
            }
            let statement = try parseStatement()
            return .explain(statement: statement, analyze: analyze)
        case "show": return try parseShow()
        case "describe": return try parseDescribe()
        case "copy": return try parseCopy()
        case "begin", "start":
            advance()
            if token.value == "start" {
                try expectWord("transaction")
            } else if !consumeWord("transaction") {
                _ = consumeWord("work")
            }
            return .begin
        case "commit", "end":
            advance()
            if !consumeWord("transaction") { _ = consumeWord("work") }
            return .commit
        case "rollback", "abort":
            advance()
            if !consumeWord("transaction") { _ = consumeWord("work") }
            if token.value == "rollback", let toSavepoint = try parseRollbackToSavepoint() { return toSavepoint }
            return .rollback
        case "set": return try parseSet()
        case "reset", "discard", "close", "unlisten", "savepoint", "release", "deallocate":
            return try parseSessionCommand()
        case "refresh": return try parseRefreshMaterializedView()
        case "listen", "notify": return try parseNotificationStatement()
        case "declare": return try parseDeclareCursor()
        case "fetch": return try parseFetch()
        case "alter": return try parseAlterUser()
        default:
            throw unexpected(hint: "Expected a statement such as SELECT, INSERT or CREATE TABLE.")
        }
    }

    // MARK: - CREATE and DROP

    private mutating func parseCreate() throws -> Statement {
        try expectWord("create")
        let orReplace = consumeWord("or")
        if orReplace { try expectWord("replace") }
        if !orReplace, current.isWord("user") || current.isWord("role") {
            return try parseCreateUser()
        }
        // NOTE: TEMP and TEMPORARY are accepted and ignored; the object lives as long as a
        // normal one does.
        if !consumeWord("temp") { _ = consumeWord("temporary") }
        if consumeWord("view") {
            return try parseCreateView(orReplace: orReplace)
        }
        if !orReplace, consumeWord("materialized") {
            return try parseCreateMaterializedView()
        }
        if orReplace { throw unexpected(hint: "OR REPLACE applies to CREATE VIEW only.") }
        if current.isWord("unique") || current.isWord("index") {
            return try parseCreateIndex()
        }
        if consumeWord("table") {
            return try parseCreateTable()
        }
        throw unexpected(hint: "Expected TABLE, VIEW or INDEX after CREATE.")
    }

    mutating func parseIfNotExists() throws -> Bool {
        guard current.isWord("if") else { return false }
        advance()
        try expectWord("not")
        try expectWord("exists")
        return true
    }

    mutating func parseIfExists() throws -> Bool {
        guard current.isWord("if") else { return false }
        advance()
        try expectWord("exists")
        return true
    }

    private mutating func parseCreateView(orReplace: Bool) throws -> Statement {
        let ifNotExists = try parseIfNotExists()
        let name = try parseQualifiedName(expected: "a view name")
        var columns: [String] = []
        if current.isSymbol("(") {
            columns = try parseNameList(expected: "a column name")
        }
        try expectWord("as")
        let query = try parseQueryRecordingText()
        return .createView(name: name, orReplace: orReplace, ifNotExists: ifNotExists, columns: columns, query: query)
    }

    /// Parses `CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table (column [ASC | DESC], ...)`.
    /// The sort direction is checked and dropped, because the tree stores column names only.
    private mutating func parseCreateIndex() throws -> Statement {
        let unique = consumeWord("unique")
        try expectWord("index")
        let ifNotExists = try parseIfNotExists()
        let name = try parseQualifiedName(expected: "an index name")
        try expectWord("on")
        let table = try parseQualifiedName(expected: "a table name")
        try expectSymbol("(")
        var columns: [String] = []
        repeat {
            columns.append(try parseIdentifier(expected: "a column name"))
            if !consumeWord("asc") { _ = consumeWord("desc") }
        } while consumeSymbol(",")
        try expectSymbol(")")
        return .createIndex(name: name, ifNotExists: ifNotExists, table: table, columns: columns, unique: unique)
    }

    private mutating func parseDrop() throws -> Statement {
        try expectWord("drop")
        if consumeWord("materialized") {
            return try parseDropMaterializedView()
        }
        if current.isWord("user") || current.isWord("role") {
            return try parseDropUser()
        }
        let kind = current.value
        guard current.kind == .word, ["table", "view", "index"].contains(kind) else {
            throw unexpected(hint: "Expected TABLE, VIEW or INDEX after DROP.")
        }
        advance()
        let ifExists = try parseIfExists()
        var names = [try parseQualifiedName(expected: "a name")]
        while consumeSymbol(",") {
            names.append(try parseQualifiedName(expected: "a name"))
        }
        if current.isWord("cascade") {
            throw notSupported("DROP ... CASCADE is not supported", hint: "Drop the dependent objects first.")
        }
        _ = consumeWord("restrict")
        switch kind {
        case "table":
            return .dropTable(names: names, ifExists: ifExists)
        case "view":
            return .dropView(names: names, ifExists: ifExists)
        default:
            guard names.count == 1 else {
                throw notSupported("DROP INDEX takes one index name", hint: "Drop each index in its own statement.")
            }
            return .dropIndex(name: names[0], ifExists: ifExists)
        }
    }

    // MARK: - INSERT, UPDATE, DELETE

    private mutating func parseInsert() throws -> Statement {
        try expectWord("insert")
        try expectWord("into")
        let table = try parseQualifiedName(expected: "a table name")
        var columns: [String] = []
        if current.isSymbol("("), !(peek().isWord("select") || peek().isWord("with") || peek().isWord("values")) {
            columns = try parseNameList(expected: "a column name")
        }
        let source: InsertSource
        var defaultSlots: Set<ValuesSlot>? = []
        if consumeWord("default") {
            try expectWord("values")
            source = .defaultValues
        } else if current.isWord("values") {
            source = .values(try parseValuesRows(defaults: &defaultSlots))
            if current.isWord("order") || current.isWord("limit") || current.isWord("union") {
                throw unexpected(hint: "Write INSERT INTO t SELECT ... FROM (VALUES ...) to sort or combine rows.")
            }
        } else if startsQuery || current.isSymbol("(") {
            source = .query(try parseQuery())
        } else {
            throw unexpected(hint: "Expected VALUES, SELECT or DEFAULT VALUES.")
        }
        if current.isWord("on") || current.isWord("returning") {
            throw notSupported("\(current.value.uppercased()) in INSERT is not supported")
        }
        return .insert(Insert(table: table, columns: columns, source: source, defaultSlots: defaultSlots ?? []))
    }

    private mutating func parseUpdate() throws -> Statement {
        try expectWord("update")
        let table = try parseQualifiedName(expected: "a table name")
        var alias: String?
        if consumeWord("as") {
            alias = try parseIdentifier(allowKeywords: true, expected: "an alias")
        } else if atIdentifier, !current.isWord("set") {
            alias = try parseIdentifier()
        }
        try expectWord("set")
        var assignments: [(column: String, value: Expression)] = []
        repeat {
            let column = try parseIdentifier(expected: "a column name")
            if current.isSymbol(".") {
                throw notSupported("qualified column names in SET are not supported",
                                   hint: "Write the column name alone.")
            }
            try expectSymbol("=")
            assignments.append((column, try parseExpression()))
        } while consumeSymbol(",")
        if current.isWord("from") {
            throw notSupported("UPDATE ... FROM is not supported", hint: "Use a subquery in SET or WHERE.")
        }
        var whereClause: Expression?
        if consumeWord("where") {
            whereClause = try parseExpression()
        }
        if current.isWord("returning") {
            throw notSupported("RETURNING in UPDATE is not supported")
        }
        return .update(Update(table: table, alias: alias, assignments: assignments, whereClause: whereClause))
    }

    private mutating func parseDelete() throws -> Statement {
        try expectWord("delete")
        try expectWord("from")
        let table = try parseQualifiedName(expected: "a table name")
        let alias = try parseAlias()
        if current.isWord("using") {
            throw notSupported("DELETE ... USING is not supported", hint: "Use a subquery in WHERE.")
        }
        var whereClause: Expression?
        if consumeWord("where") {
            whereClause = try parseExpression()
        }
        if current.isWord("returning") {
            throw notSupported("RETURNING in DELETE is not supported")
        }
        return .delete(table: table, alias: alias, whereClause: whereClause)
    }

    // MARK: - SHOW, DESCRIBE, SET

    private mutating func parseShow() throws -> Statement {
        try expectWord("show")
        if consumeWord("tables") { return .showTables }
        if consumeWord("all") { return .show(name: "all") }
        if let name = parseMultiWordSettingName() { return .show(name: name) }
        return .show(name: try parseSettingName())
    }

    private mutating func parseDescribe() throws -> Statement {
        try expectWord("describe")
        if startsQuery || current.isSymbol("(") {
            return .describeQuery(try parseQuery())
        }
        _ = consumeWord("table")
        return .describe(table: try parseQualifiedName(expected: "a table name"))
    }

    /// Parses `SET [SESSION | LOCAL] name {= | TO} value`; a bare word value such as
    /// `SET search_path TO main` becomes a string literal.
    private mutating func parseSet() throws -> Statement {
        try expectWord("set")
        if !consumeWord("session") { _ = consumeWord("local") }
        if let special = try parseSpecialSet() { return special }
        let name = try parseSettingName()
        if !consumeSymbol("=") {
            try expectWord("to")
        }
        if consumeWord("default") { return .reset(name: name) }
        var value = try parseSettingValue()
        // A list such as `SET search_path = a, b` is stored as its text joined by ", ".
        while consumeSymbol(",") {
            let next = try parseSettingValue()
            let comma = Expression(.literal(.string(", ")), at: next.position)
            let joined = Expression(.binary(op: .concat, left: value, right: comma), at: value.position)
            value = Expression(.binary(op: .concat, left: joined, right: next), at: value.position)
        }
        return .set(name: name, value: value)
    }

    /// Reads a setting name: labels joined by dots, keywords allowed.
    private mutating func parseSettingName() throws -> String {
        var parts = [try parseIdentifier(allowKeywords: true, expected: "a setting name")]
        while consumeSymbol(".") {
            parts.append(try parseIdentifier(allowKeywords: true, expected: "a setting name"))
        }
        return parts.joined(separator: ".")
    }

    /// Reads a SET or COPY option value. A bare word becomes a string literal, ON and OFF
    /// become booleans, and anything else is parsed as an expression.
    private mutating func parseSettingValue() throws -> Expression {
        let token = current
        if token.kind == .word, !["true", "false", "null", "on", "off"].contains(token.value),
            !peek().isSymbol("("), !peek().isSymbol(".")
        {
            advance()
            return Expression(.literal(.string(token.value)), at: token.position)
        }
        if token.isWord("on") || token.isWord("off") {
            advance()
            return Expression(.literal(.boolean(token.value == "on")), at: token.position)
        }
        return try parseExpression()
    }

    // MARK: - COPY

    /// Parses `COPY table FROM 'path' [WITH] [(] option [value] [, ...] [)]`.
    ///
    /// Inside parentheses, commas separate the options. Without parentheses each word is an
    /// option, as in `WITH CSV HEADER`, and the options in `copyOptionsWithValue` take a value.
    private mutating func parseCopy() throws -> Statement {
        try expectWord("copy")
        let table = try parseQualifiedName(expected: "a table name")
        if current.isSymbol("(") {
            throw notSupported("a column list in COPY is not supported", hint: "Load every column of the table.")
        }
        if current.isWord("to") {
            throw notSupported("COPY ... TO is not supported", hint: "Use COPY ... FROM to load a file.")
        }
        try expectWord("from")
        guard current.kind == .string else {
            throw unexpected(hint: "Write the file path as a string, such as COPY t FROM '/data/t.csv'.")
        }
        let path = advance().value
        _ = consumeWord("with")
        var options: [CopyOption] = []
        if consumeSymbol("(") {
            repeat {
                let name = try parseIdentifier(allowKeywords: true, expected: "a COPY option")
                var value: Expression?
                if !current.isSymbol(",") && !current.isSymbol(")") {
                    value = try parseSettingValue()
                }
                options.append(CopyOption(name: name, value: value))
            } while consumeSymbol(",")
            try expectSymbol(")")
        } else {
            while current.kind == .word {
                let at = current.position
                let name = advance().value
                // The old option syntax names the format as a bare word: `CSV HEADER`.
                if name == "csv" || name == "binary" {
                    options.append(CopyOption(name: "format", value: Expression(.literal(.string(name)), at: at)))
                    continue
                }
                var value: Expression?
                if SyntaxParser.copyOptionsWithValue.contains(name) {
                    _ = consumeWord("as")
                    value = try parseSettingValue()
                }
                options.append(CopyOption(name: name, value: value))
            }
        }
        return .copyFrom(table: table, path: path, options: options)
    }

    private static let copyOptionsWithValue: Set<String> = [
        "format", "delimiter", "null", "quote", "escape", "schema", "encoding",
    ]
}
