// Primary expressions: literals, typed literals, INTERVAL, column references, parameters,
// parenthesized expressions and scalar subqueries, CASE, CAST, EXISTS, ARRAY[...] and
// EXTRACT. Function calls are in Parser+Functions.swift.

import TeleCore

extension SyntaxParser {
    mutating func parsePrimary() throws -> Expression {
        let token = current
        let at = token.position
        switch token.kind {
        case .number:
            advance()
            return Expression(.literal(numericLiteral(token.value)), at: at)
        case .string:
            return Expression(.literal(.string(readStringLiteral())), at: at)
        case .parameter:
            advance()
            guard let number = Int(token.value), number >= 1 else {
                throw TeleError.syntax(
                    "invalid parameter number at or near \"\(token.text)\"", at: at,
                    hint: "Parameters are numbered from $1.")
            }
            return Expression(.parameter(number), at: at)
        case .quotedIdentifier:
            return try parseColumnReference()
        case .symbol where token.value == "(":
            return try parseParenthesized()
        case .symbol where token.value == "*":
            advance()
            return Expression(.star, at: at)
        case .word:
            return try parseWordExpression()
        default:
            throw unexpected(hint: "Expected an expression.")
        }
    }

    /// Reads a string literal and any literals that continue it. SQL joins string literals
    /// separated only by whitespace that contains a line break: `'a'` newline `'b'` is `'ab'`.
    mutating func readStringLiteral() -> String {
        var token = advance()
        var text = token.value
        while current.kind == .string, current.position.line > token.position.line + lineBreaks(in: token.text) {
            token = advance()
            text += token.value
        }
        return text
    }

    private func lineBreaks(in text: String) -> Int {
        text.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }

    /// Makes an integer literal when the text fits in Int64, otherwise a number literal.
    private func numericLiteral(_ text: String) -> Literal {
        if let value = Int64(text) { return .integer(value) }
        return .number(text)
    }

    /// Parses what starts with a word: keywords with their own syntax, typed literals,
    /// function calls and column references.
    private mutating func parseWordExpression() throws -> Expression {
        let token = current
        let at = token.position
        switch token.value {
        case "null":
            advance()
            return Expression(.literal(.null), at: at)
        case "true", "false":
            advance()
            return Expression(.literal(.boolean(token.value == "true")), at: at)
        case "case":
            return try parseCase()
        case "cast":
            return try parseCast()
        case "exists":
            advance()
            let query = try parseParenthesizedQuery()
            return Expression(.exists(query: query, negated: false), at: at)
        case "array":
            return try parseArray()
        case "interval":
            return try parseInterval()
        case "any" where peek().isSymbol("("), "some" where peek().isSymbol("("), "all" where peek().isSymbol("("):
            return try parseQuantifiedOperand()
        case "extract" where peek().isSymbol("("):
            return try parseExtract()
        case "current_time", "localtime":
            throw notSupported(
                "\(token.value.uppercased()) is not supported because TeleDB has no TIME type",
                hint: "Use now() or current_timestamp, and EXTRACT or date_trunc for the time of day.")
        case "current_date", "current_timestamp", "localtimestamp":
            // SQL writes these without parentheses; they become calls of the same name.
            advance()
            if current.isSymbol("(") {
                throw notSupported("a precision for \(token.value) is not supported")
            }
            return Expression(.function(FunctionCall(name: token.value, arguments: [])), at: at)
        default:
            break
        }
        if let call = parseNiladicFunction() {
            return call
        }
        if let literal = try parseTypedLiteral() {
            return literal
        }
        if peek().isSymbol("(") {
            return try parseFunctionCall()
        }
        if Keywords.isReserved(token.value) {
            throw unexpected()
        }
        return try parseColumnReference()
    }

    /// Parses `a`, `t.a` or `s.t.a`; a trailing `.*` is left for the select list.
    private mutating func parseColumnReference() throws -> Expression {
        let at = current.position
        var parts = [try parseIdentifier(expected: "a column name")]
        while current.isSymbol("."), peek().kind == .word || peek().kind == .quotedIdentifier {
            advance()
            parts.append(try parseIdentifier(allowKeywords: true, expected: "a column name"))
        }
        if current.isSymbol("("), parts.count > 1 {
            return try parseFunctionCall(name: parts.joined(separator: "."), at: at)
        }
        if parts.count > 3 {
            throw TeleError.syntax(
                "improper qualified name (too many dotted names): \(parts.joined(separator: "."))",
                at: at, hint: "Write column, table.column or schema.table.column.")
        }
        return Expression(.column(parts: parts), at: at)
    }

    /// Parses `(expression)` or a scalar subquery `(SELECT ...)`.
    private mutating func parseParenthesized() throws -> Expression {
        let at = current.position
        try enter()
        defer { leave() }
        advance()
        if startsQuery {
            let query = try parseQuery()
            try expectSymbol(")")
            return Expression(.scalarSubquery(query), at: at)
        }
        var expression = try parseExpression()
        if current.isSymbol(",") {
            throw notSupported("row constructors are not supported",
                               hint: "Compare the values one by one, joined with AND.")
        }
        try expectSymbol(")")
        expression.position = at
        return expression
    }

    /// Parses `( query )` as EXISTS and ARRAY(...) take it.
    mutating func parseParenthesizedQuery() throws -> SelectStatement {
        try enter()
        defer { leave() }
        try expectSymbol("(")
        guard startsQuery else { throw unexpected(hint: "Expected SELECT.") }
        let query = try parseQuery()
        try expectSymbol(")")
        return query
    }

    // MARK: - Keyword forms

    private mutating func parseCase() throws -> Expression {
        let at = advance().position
        try enter()
        defer { leave() }
        var operand: Expression?
        if !current.isWord("when") {
            operand = try parseExpression()
        }
        var branches: [(condition: Expression, result: Expression)] = []
        while consumeWord("when") {
            let condition = try parseExpression()
            try expectWord("then")
            branches.append((condition, try parseExpression()))
        }
        if branches.isEmpty { throw unexpected(hint: "Expected WHEN.") }
        var elseResult: Expression?
        if consumeWord("else") {
            elseResult = try parseExpression()
        }
        try expectWord("end")
        return Expression(.caseWhen(operand: operand, branches: branches, elseResult: elseResult), at: at)
    }

    private mutating func parseCast() throws -> Expression {
        let at = advance().position
        try enter()
        defer { leave() }
        try expectSymbol("(")
        let operand = try parseExpression()
        try expectWord("as")
        let type = try parseTypeName()
        try expectSymbol(")")
        return Expression(.cast(operand: operand, type: type), at: at)
    }

    private mutating func parseArray() throws -> Expression {
        let at = advance().position
        if current.isSymbol("(") {
            return try parseArraySubquery(at: at)
        }
        try enter()
        defer { leave() }
        try expectSymbol("[")
        var elements: [Expression] = []
        if !current.isSymbol("]") {
            elements.append(try parseExpression())
            while consumeSymbol(",") {
                elements.append(try parseExpression())
            }
        }
        try expectSymbol("]")
        return Expression(.array(elements), at: at)
    }

    /// Interval units allowed after `INTERVAL '...'`, as in SQL's interval qualifier.
    private static let intervalUnits: Set<String> = ["year", "month", "day", "hour", "minute", "second"]

    /// Parses `INTERVAL '1 day'`, `INTERVAL '3' DAY` or `INTERVAL '1-2' YEAR TO MONTH`.
    private mutating func parseInterval() throws -> Expression {
        let at = advance().position
        guard current.kind == .string else {
            throw unexpected(hint: "Write the interval as a string, such as INTERVAL '1 day'.")
        }
        let text = advance().value
        var unit: String?
        if current.kind == .word, SyntaxParser.intervalUnits.contains(current.value) {
            var words = [advance().value]
            if current.isWord("to"), peek().kind == .word, SyntaxParser.intervalUnits.contains(peek().value) {
                advance()
                words.append("to")
                words.append(advance().value)
            }
            unit = words.joined(separator: " ")
        }
        return Expression(.interval(text: text, unit: unit), at: at)
    }

    /// Parses `EXTRACT(field FROM source)`; the field is a word or a string.
    private mutating func parseExtract() throws -> Expression {
        let at = advance().position
        try enter()
        defer { leave() }
        try expectSymbol("(")
        let field: String
        switch current.kind {
        case .word, .string:
            field = lowercasedASCII(advance().value)
        default:
            throw unexpected(hint: "Expected a field such as YEAR or EPOCH.")
        }
        try expectWord("from")
        let source = try parseExpression()
        try expectSymbol(")")
        return Expression(.extract(field: field, source: source), at: at)
    }

    /// First words of type names that take more words, such as `DOUBLE PRECISION '1.5'`.
    private static let multiWordTypes: Set<String> = ["double", "character", "char", "national", "bit", "time", "timestamp"]

    /// Parses a typed literal: a type name followed by a string, such as `DATE '2024-01-01'`,
    /// `BOOLEAN 't'` or `TIMESTAMP WITH TIME ZONE '...'`. A name followed by a string is
    /// valid SQL in no other form, so any word qualifies, as in PostgreSQL. Returns nil and
    /// leaves the cursor in place when no typed literal starts here.
    private mutating func parseTypedLiteral() throws -> Expression? {
        let next = peek()
        guard !Keywords.isReserved(current.value),
            next.kind == .string || (SyntaxParser.multiWordTypes.contains(current.value) && next.kind == .word)
        else { return nil }
        let saved = index
        let at = current.position
        guard let type = try? parseTypeName(), current.kind == .string else {
            rewind(to: saved)
            return nil
        }
        let text = advance().value
        return Expression(.literal(.typed(type: type, text: text)), at: at)
    }
}
