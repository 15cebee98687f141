// The FROM clause: comma lists of table references, joins of every kind with ON, USING or
// NATURAL, subqueries with aliases and column aliases, table functions, and joins in
// parentheses.

import TeleCore

extension SyntaxParser {
    mutating func parseFromList() throws -> [TableReference] {
        var references = [try parseTableReference()]
        while consumeSymbol(",") {
            references.append(try parseTableReference())
        }
        return references
    }

    /// Parses one table reference followed by any number of joins, left-associative.
    private mutating func parseTableReference() throws -> TableReference {
        var left = try parseTablePrimary()
        var chainLength = 0
        while let (kind, natural) = try parseJoinKeyword() {
            let right = try parseTablePrimary()
            let condition: JoinCondition
            if natural {
                condition = .natural
            } else if kind == .cross {
                condition = .none
            } else if consumeWord("on") {
                condition = .on(try parseExpression())
            } else if consumeWord("using") {
                condition = .using(try parseNameList(expected: "a column name"))
            } else {
                throw unexpected(hint: "Expected ON or USING after the joined table.")
            }
            left = .join(kind: kind, left: left, right: right, condition: condition)
            chainLength += 1
            if chainLength > Parser.maximumNestingDepth {
                throw tooComplex("A FROM clause may join at most \(Parser.maximumNestingDepth) tables in a row.")
            }
        }
        return left
    }

    /// Reads `[NATURAL] [INNER | LEFT [OUTER] | RIGHT [OUTER] | FULL [OUTER] | CROSS] JOIN`,
    /// or returns nil when no join follows.
    private mutating func parseJoinKeyword() throws -> (JoinKind, natural: Bool)? {
        let natural = consumeWord("natural")
        var kind: JoinKind?
        if consumeWord("inner") {
            kind = .inner
        } else if consumeWord("left") {
            kind = .left
        } else if consumeWord("right") {
            kind = .right
        } else if consumeWord("full") {
            kind = .full
        } else if !natural, consumeWord("cross") {
            kind = .cross
        }
        if kind == .left || kind == .right || kind == .full {
            _ = consumeWord("outer")
        }
        if kind == nil && !natural && !current.isWord("join") {
            return nil
        }
        try expectWord("join")
        return (kind ?? .inner, natural)
    }

    /// Parses a table name, a table function, a subquery or a parenthesized join.
    private mutating func parseTablePrimary() throws -> TableReference {
        if current.isSymbol("(") {
            return try parseParenthesizedTable()
        }
        if current.isWord("lateral") {
            throw notSupported("LATERAL is not supported")
        }
        let at = current.position
        let name = try parseQualifiedName(expected: "a table name")
        if current.isSymbol("(") {
            let arguments = try parseTableFunctionArguments()
            let alias = try parseAlias()
            try rejectColumnAliases(alias)
            return .function(name: name, arguments: arguments, alias: alias, position: at)
        }
        // `SAMPLE` is not reserved, so it is tried before the alias and again after it.
        var sample = try parseSampleClause()
        let alias = sample == nil ? try parseAlias() : nil
        try rejectColumnAliases(alias)
        if sample == nil { sample = try parseSampleClause() }
        let table = TableReference.table(name: name, alias: alias, position: at)
        return sample.map { .sampled(table, $0) } ?? table
    }

    private mutating func rejectColumnAliases(_ alias: String?) throws {
        if alias != nil, current.isSymbol("(") {
            throw notSupported("column aliases on a table are not supported",
                               hint: "Rename the columns in a subquery or with AS in the select list.")
        }
    }

    private mutating func parseTableFunctionArguments() throws -> [Expression] {
        try enter()
        defer { leave() }
        try expectSymbol("(")
        var arguments: [Expression] = []
        if !current.isSymbol(")") {
            arguments.append(try parseExpression())
            while consumeSymbol(",") {
                arguments.append(try parseExpression())
            }
        }
        try expectSymbol(")")
        return arguments
    }

    /// Parses `( query ) [AS] alias [(columns)]` or `( joined tables )`. The first token
    /// after the opening parentheses decides which: SELECT, WITH or VALUES start a query.
    private mutating func parseParenthesizedTable() throws -> TableReference {
        try enter()
        defer { leave() }
        var distance = 1
        while peek(distance).isSymbol("(") { distance += 1 }
        let first = peek(distance)
        let isQuery = first.isWord("select") || first.isWord("with") || first.isWord("values")
        advance()
        if !isQuery {
            let joined = try parseTableReference()
            try expectSymbol(")")
            if atIdentifier || current.isWord("as") {
                throw notSupported("an alias on a parenthesized join is not supported")
            }
            return joined
        }
        let query = try parseQuery()
        try expectSymbol(")")
        let alias = try parseAlias()
        var columnAliases: [String] = []
        if alias != nil, current.isSymbol("(") {
            columnAliases = try parseNameList(expected: "a column alias")
        }
        return .subquery(query, alias: alias, columnAliases: columnAliases)
    }
}
