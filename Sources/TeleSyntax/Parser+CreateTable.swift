// CREATE TABLE: column definitions with their constraints, table-level PRIMARY KEY and
// UNIQUE clauses, and CREATE TABLE ... AS query.

import TeleCore

extension SyntaxParser {
    /// Parses what follows `CREATE TABLE`.
    mutating func parseCreateTable() throws -> Statement {
        let ifNotExists = try parseIfNotExists()
        let name = try parseQualifiedName(expected: "a table name")
        if consumeWord("as") {
            return .createTableAs(name: name, ifNotExists: ifNotExists, query: try parseQueryRecordingText())
        }
        guard current.isSymbol("(") else {
            throw unexpected(hint: "Expected a column list in parentheses or AS followed by a query.")
        }
        advance()
        var table = CreateTable(name: name, ifNotExists: ifNotExists, columns: [])
        var hasPrimaryKey = false
        repeat {
            if consumeWord("constraint") {
                _ = try parseIdentifier(expected: "a constraint name")
            }
            if current.isWord("primary") {
                let at = current.position
                advance()
                try expectWord("key")
                if hasPrimaryKey { throw multiplePrimaryKeys(table: name, at: at) }
                hasPrimaryKey = true
                table.primaryKey = try parseNameList(expected: "a column name")
            } else if current.isWord("unique") {
                advance()
                let columns = try parseNameList(expected: "a column name")
                table.uniqueKeys.append(columns)
            } else if current.isWord("check") || current.isWord("foreign") {
                throw notSupported("\(current.value.uppercased()) constraints are not supported")
            } else {
                let column = try parseColumnDefinition()
                if column.primaryKey {
                    if hasPrimaryKey { throw multiplePrimaryKeys(table: name, at: column.typeName.position) }
                    hasPrimaryKey = true
                }
                table.columns.append(column)
            }
        } while consumeSymbol(",")
        try expectSymbol(")")
        if !hasPrimaryKey, let firstUnique = table.uniqueKeys.first {
            table.primaryKey = firstUnique
        }
        return .createTable(table)
    }

    private func multiplePrimaryKeys(table: String, at position: SourcePosition) -> TeleError {
        TeleError(
            SQLState("42P16"), "multiple primary keys for table \"\(table)\" are not allowed",
            hint: "Declare one PRIMARY KEY, listing all its columns.", position: position)
    }

    /// Parses `name type [NOT NULL | NULL | PRIMARY KEY | UNIQUE | DEFAULT expr] ...`.
    private mutating func parseColumnDefinition() throws -> ColumnDefinition {
        let name = try parseIdentifier(expected: "a column name")
        guard current.kind == .word || current.kind == .quotedIdentifier else {
            throw unexpected(hint: "Write a type after the column name, such as \(name) INTEGER.")
        }
        var column = ColumnDefinition(name: name, typeName: try parseTypeName())
        while true {
            if consumeWord("constraint") {
                _ = try parseIdentifier(expected: "a constraint name")
            }
            if consumeWord("not") {
                try expectWord("null")
                column.notNull = true
            } else if consumeWord("null") {
                column.notNull = false
            } else if consumeWord("primary") {
                try expectWord("key")
                column.primaryKey = true
            } else if consumeWord("unique") {
                column.unique = true
            } else if consumeWord("default") {
                let start = current.position.offset
                column.defaultValue = try parseExpression()
                column.defaultText = sourceText(start..<endOfPreviousToken)
            } else if current.isWord("check") || current.isWord("references") || current.isWord("collate") {
                throw notSupported("\(current.value.uppercased()) in a column definition is not supported")
            } else {
                return column
            }
        }
    }
}
