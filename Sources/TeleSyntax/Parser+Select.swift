// Queries: WITH, set operations (INTERSECT binding tighter than UNION and EXCEPT),
// parenthesized queries, VALUES, the SELECT core with its select list, WHERE, GROUP BY and
// HAVING, and ORDER BY with LIMIT, OFFSET and FETCH FIRST in any order.

import TeleCore

extension SyntaxParser {
    /// Parses a full query: `[WITH ...] body [ORDER BY ...] [LIMIT ...] [OFFSET ...]`.
    mutating func parseQuery() throws -> SelectStatement {
        var with: [CommonTableExpression] = []
        if consumeWord("with") {
            with = try parseCommonTableExpressions()
        }
        let body = try parseSetExpression()
        var statement = SelectStatement(with: with, body: body)
        try parseOrderAndLimit(into: &statement)
        if current.isWord("with"), peek().isWord("error") {
            // Only the planner's top level adds the bounds, so a nested query must not ask.
            guard depth == 0 else {
                throw notSupported(
                    "WITH ERROR applies to the outermost query only", hint: "Move WITH ERROR to the end of the statement.")
            }
            advance()
            advance()
            statement.withError = true
        }
        return statement
    }

    private mutating func parseCommonTableExpressions() throws -> [CommonTableExpression] {
        let recursive = consumeWord("recursive")
        var ctes: [CommonTableExpression] = []
        repeat {
            let name = try parseIdentifier(expected: "a name for the WITH query")
            var columns: [String] = []
            if current.isSymbol("(") {
                columns = try parseNameList(expected: "a column name")
            }
            try expectWord("as")
            if consumeWord("not") {
                try expectWord("materialized")
            } else {
                _ = consumeWord("materialized")
            }
            let query = try parseParenthesizedQuery()
            var cte = CommonTableExpression(name: name, columns: columns, query: query)
            cte.isRecursive = recursive
            ctes.append(cte)
        } while consumeSymbol(",")
        return ctes
    }

    // MARK: - Set operations

    /// Parses `a UNION b EXCEPT c`, left-associative, with INTERSECT operands inside.
    private mutating func parseSetExpression() throws -> QueryBody {
        var left = try parseIntersectExpression()
        var chainLength = 0
        while current.isWord("union") || current.isWord("except") {
            let op: SetOperator = advance().value == "union" ? .union : .except
            let all = parseSetQuantifier()
            let right = try parseIntersectExpression()
            left = .setOperation(op: op, all: all, left: left, right: right)
            chainLength += 1
            if chainLength > Parser.maximumNestingDepth {
                throw tooComplex("A query may combine at most \(Parser.maximumNestingDepth) set operations.")
            }
        }
        return left
    }

    private mutating func parseIntersectExpression() throws -> QueryBody {
        var left = try parseQueryPrimary()
        var chainLength = 0
        while consumeWord("intersect") {
            let all = parseSetQuantifier()
            let right = try parseQueryPrimary()
            left = .setOperation(op: .intersect, all: all, left: left, right: right)
            chainLength += 1
            if chainLength > Parser.maximumNestingDepth {
                throw tooComplex("A query may combine at most \(Parser.maximumNestingDepth) set operations.")
            }
        }
        return left
    }

    /// Reads `ALL` or `DISTINCT` after a set operator; DISTINCT is the default.
    private mutating func parseSetQuantifier() -> Bool {
        if consumeWord("all") { return true }
        _ = consumeWord("distinct")
        return false
    }

    /// Parses `SELECT ...`, `VALUES ...` or `( query )`. A parenthesized query without
    /// WITH, ORDER BY, LIMIT or OFFSET of its own is returned as its bare body.
    private mutating func parseQueryPrimary() throws -> QueryBody {
        if current.isWord("select") {
            return .select(try parseSelectCore())
        }
        if current.isWord("values") {
            return .values(try parseValuesRows())
        }
        guard current.isSymbol("(") else {
            throw unexpected(hint: "Expected SELECT, VALUES or a query in parentheses.")
        }
        try enter()
        defer { leave() }
        advance()
        let inner = try parseQuery()
        try expectSymbol(")")
        if inner.with.isEmpty, inner.orderBy.isEmpty, inner.limit == nil, inner.offset == nil {
            return inner.body
        }
        return .nested(inner)
    }

    /// Parses `VALUES (a, b), (c, d)`; the cursor is on VALUES.
    mutating func parseValuesRows() throws -> [[Expression]] {
        var defaults: Set<ValuesSlot>?
        return try parseValuesRows(defaults: &defaults)
    }

    /// Parses `VALUES (...), (...)`. With a nil `defaults`, DEFAULT is rejected; otherwise
    /// each DEFAULT entry becomes a NULL literal and its slot is added to `defaults`.
    mutating func parseValuesRows(defaults: inout Set<ValuesSlot>?) throws -> [[Expression]] {
        try expectWord("values")
        var rows: [[Expression]] = []
        repeat {
            try expectSymbol("(")
            var row: [Expression] = []
            repeat {
                if current.isWord("default") {
                    guard defaults != nil else {
                        throw TeleError.syntax(
                            "DEFAULT is not allowed in this context", at: current.position,
                            hint: "DEFAULT may stand for a value only in the VALUES of an INSERT.")
                    }
                    defaults?.insert(ValuesSlot(row: rows.count, column: row.count))
                    row.append(Expression(.literal(.null), at: advance().position))
                } else {
                    row.append(try parseExpression())
                }
            } while consumeSymbol(",")
            try expectSymbol(")")
            rows.append(row)
        } while consumeSymbol(",")
        return rows
    }

    // MARK: - SELECT core

    private mutating func parseSelectCore() throws -> SelectCore {
        try expectWord("select")
        var core = SelectCore(items: [])
        if consumeWord("distinct") {
            if current.isWord("on") {
                throw notSupported("SELECT DISTINCT ON is not supported",
                                   hint: "Use GROUP BY, or DISTINCT over the whole row.")
            }
            core.distinct = true
        } else {
            _ = consumeWord("all")
        }
        core.items = try parseSelectItems()
        if consumeWord("from") {
            core.from = try parseFromList()
        }
        if consumeWord("where") {
            core.whereClause = try parseExpression()
        }
        if consumeWord("group") {
            try expectWord("by")
            core.groupBy = try parseGroupBy()
        }
        if consumeWord("having") {
            core.having = try parseExpression()
        }
        if current.isWord("window") {
            throw notSupported("window functions are not supported")
        }
        return core
    }

    private mutating func parseSelectItems() throws -> [SelectItem] {
        var items = [try parseSelectItem()]
        while consumeSymbol(",") {
            items.append(try parseSelectItem())
        }
        return items
    }

    private mutating func parseSelectItem() throws -> SelectItem {
        let at = current.position
        if consumeSymbol("*") {
            return .wildcard(table: nil, position: at)
        }
        if let table = try parseQualifiedWildcard() {
            return .wildcard(table: table, position: at)
        }
        let expression = try parseExpression()
        return .expression(expression, alias: try parseAlias())
    }

    /// Reads `t.*` or `s.t.*` and returns the qualifier, or nil without moving.
    private mutating func parseQualifiedWildcard() throws -> String? {
        guard current.kind == .word || current.kind == .quotedIdentifier else { return nil }
        var distance = 0
        var parts: [Token] = []
        while true {
            let name = peek(distance)
            guard name.kind == .word || name.kind == .quotedIdentifier, peek(distance + 1).isSymbol(".") else {
                return nil
            }
            parts.append(name)
            if peek(distance + 2).isSymbol("*") { break }
            distance += 2
        }
        for _ in 0..<(distance + 3) { advance() }
        return parts.map(\.value).joined(separator: ".")
    }

    /// Reads `AS label` (any word), or a bare label that is not a reserved keyword.
    mutating func parseAlias() throws -> String? {
        if consumeWord("as") {
            return try parseIdentifier(allowKeywords: true, expected: "an alias")
        }
        if atIdentifier {
            let aliasToken = current
            let alias = try parseIdentifier()
            try checkBareAlias(aliasToken)
            return alias
        }
        return nil
    }

    /// Reports a misspelled keyword read as a bare alias, such as `FORM` in
    /// `SELECT a FORM t`. When the token after the alias cannot follow an alias and the alias
    /// is close to a clause keyword, the error points at the alias, not at the next token.
    private func checkBareAlias(_ aliasToken: Token) throws {
        let next = current
        let canFollow = next.kind == .end || next.isSymbol(",") || next.isSymbol(")") || next.isSymbol(";")
            || next.isSymbol("(") || (next.kind == .word && Keywords.isReserved(next.value))
        // Words shorter than three letters are too close to ON for the guess to help.
        guard !canFollow, aliasToken.kind == .word, aliasToken.value.utf8.count >= 3,
            let keyword = nearestName(to: aliasToken.value, among: Keywords.commonKeywords)
        else { return }
        throw TeleError.syntax(
            "syntax error at or near \"\(aliasToken.text)\"", at: aliasToken.position,
            hint: "Did you mean \(keyword.uppercased())?")
    }

    private mutating func parseGroupBy() throws -> GroupBy {
        if consumeWord("all") {
            return .all
        }
        var expressions = [try parseExpression()]
        while consumeSymbol(",") {
            expressions.append(try parseExpression())
        }
        return .expressions(expressions)
    }

    // MARK: - ORDER BY, LIMIT, OFFSET, FETCH

    mutating func parseOrderItems() throws -> [OrderItem] {
        var items: [OrderItem] = []
        repeat {
            var item = OrderItem(expression: try parseExpression())
            if consumeWord("desc") {
                item.ascending = false
            } else {
                _ = consumeWord("asc")
            }
            if consumeWord("nulls") {
                if consumeWord("first") {
                    item.nullsFirst = true
                } else if consumeWord("last") {
                    item.nullsFirst = false
                } else {
                    throw unexpected(hint: "Expected FIRST or LAST after NULLS.")
                }
            }
            items.append(item)
        } while consumeSymbol(",")
        return items
    }

    /// Parses ORDER BY, then LIMIT, OFFSET and FETCH FIRST in any order, each at most once.
    private mutating func parseOrderAndLimit(into statement: inout SelectStatement) throws {
        if consumeWord("order") {
            try expectWord("by")
            statement.orderBy = try parseOrderItems()
        }
        var seenLimit = false
        var seenOffset = false
        while true {
            if current.isWord("limit") || current.isWord("fetch") {
                if seenLimit { throw unexpected(hint: "A query takes one LIMIT or FETCH clause.") }
                seenLimit = true
                statement.limit = current.isWord("limit") ? try parseLimit() : try parseFetch()
            } else if current.isWord("offset") {
                if seenOffset { throw unexpected(hint: "A query takes one OFFSET clause.") }
                seenOffset = true
                advance()
                statement.offset = try parseExpression()
                if !consumeWord("rows") { _ = consumeWord("row") }
            } else {
                return
            }
        }
    }

    /// Parses `LIMIT n` or `LIMIT ALL`, which means no limit and returns nil.
    private mutating func parseLimit() throws -> Expression? {
        try expectWord("limit")
        if consumeWord("all") { return nil }
        let count = try parseExpression()
        if current.isSymbol(",") {
            throw notSupported("LIMIT with a comma is not supported",
                               hint: "Write LIMIT count OFFSET skip.")
        }
        return count
    }

    /// Parses `FETCH {FIRST | NEXT} [n] {ROW | ROWS} ONLY`; a missing count means 1.
    private mutating func parseFetch() throws -> Expression? {
        try expectWord("fetch")
        if !consumeWord("first") { try expectWord("next") }
        var count = Expression(.literal(.integer(1)), at: current.position)
        if !current.isWord("row") && !current.isWord("rows") {
            count = try parseExpression()
        }
        if !consumeWord("rows") { try expectWord("row") }
        if current.isWord("with") {
            throw notSupported("FETCH ... WITH TIES is not supported")
        }
        try expectWord("only")
        return count
    }
}
