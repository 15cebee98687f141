// Syntax that PostgreSQL clients use in their catalog queries: `OPERATOR(pg_catalog.~)`,
// `COLLATE name` (accepted and ignored), array subscripts `a[i]`, quantified comparisons
// `x = ANY (...)`, `ARRAY(subquery)`, and SQL's niladic user functions such as
// `current_user`. Arrays have no type of their own in TeleDB: the binder treats them as text
// in PostgreSQL's array output form (`{a,b}`), so the tree keeps these forms as calls.

import TeleCore

extension SyntaxParser {
    /// Parses the postfix forms after a primary expression: `::type` casts, `[index]`
    /// subscripts and `COLLATE name`, in any order and number.
    mutating func parsePostfixOperators(_ primary: Expression) throws -> Expression {
        var expression = primary
        while true {
            if consumeSymbol("::") {
                let type = try parseTypeName()
                expression = Expression(.cast(operand: expression, type: type), at: expression.position)
            } else if current.isSymbol("[") {
                advance()
                let index = try parseExpression()
                if current.isSymbol(":") {
                    throw notSupported("array slices are not supported", hint: "Subscript one element, such as a[1].")
                }
                try expectSymbol("]")
                let call = FunctionCall(name: "array_element", arguments: [expression, index])
                expression = Expression(.function(call), at: expression.position)
            } else if consumeWord("collate") {
                // TeleDB compares strings bytewise, as PostgreSQL's "C" collation does, so the
                // collation name is read and dropped.
                _ = try parseQualifiedName(expected: "a collation name")
            } else {
                return expression
            }
        }
    }

    /// Reads the operator inside `OPERATOR(schema.op)` after the word OPERATOR.
    mutating func parseOperatorConstruct() throws -> BinaryOperator {
        try expectSymbol("(")
        if current.kind == .word || current.kind == .quotedIdentifier, peek().isSymbol(".") {
            let schema = advance().value
            guard schema == "pg_catalog" else {
                throw TeleError(
                    .undefinedFunction, "schema \"\(schema)\" does not exist", hint: "Write OPERATOR(pg_catalog.op).",
                    position: current.position)
            }
            advance()
        }
        let token = current
        guard token.kind == .symbol, let op = SyntaxParser.operatorsByText[token.value] else {
            throw unexpected(hint: "Write an operator such as OPERATOR(pg_catalog.~).")
        }
        advance()
        try expectSymbol(")")
        return op
    }

    private static let operatorsByText: [String: BinaryOperator] = [
        "=": .equal, "<>": .notEqual, "!=": .notEqual, "<": .less, "<=": .lessOrEqual, ">": .greater,
        ">=": .greaterOrEqual, "+": .add, "-": .subtract, "*": .multiply, "/": .divide, "%": .modulo,
        "||": .concat, "~": .regexMatch, "~*": .regexMatchInsensitive, "!~": .regexNotMatch,
        "!~*": .regexNotMatchInsensitive,
    ]

    /// Parses `ANY (...)`, `SOME (...)` or `ALL (...)` on the right of a comparison into a
    /// call named `any` or `all` whose one argument is the array or a scalar subquery.
    mutating func parseQuantifiedOperand() throws -> Expression {
        let token = advance()
        let name = token.value == "all" ? "all" : "any"
        try enter()
        defer { leave() }
        try expectSymbol("(")
        let argument: Expression
        if startsQuery {
            argument = Expression(.scalarSubquery(try parseQuery()), at: token.position)
        } else {
            argument = try parseExpression()
        }
        try expectSymbol(")")
        return Expression(.function(FunctionCall(name: name, arguments: [argument])), at: token.position)
    }

    /// Parses `ARRAY(subquery)` after the word ARRAY into a call named `array`.
    mutating func parseArraySubquery(at position: SourcePosition) throws -> Expression {
        let query = try parseParenthesizedQuery()
        let call = FunctionCall(name: "array", arguments: [Expression(.scalarSubquery(query), at: position)])
        return Expression(.function(call), at: position)
    }

    /// SQL's user and schema functions written without parentheses.
    static let niladicFunctions: Set<String> = [
        "current_user", "session_user", "current_role", "user", "current_catalog", "current_schema",
    ]

    /// Parses `current_user`, `user` and the other niladic functions into calls, or returns
    /// nil when the current word is not one of them.
    mutating func parseNiladicFunction() -> Expression? {
        let token = current
        guard token.kind == .word, SyntaxParser.niladicFunctions.contains(token.value), !peek().isSymbol("("),
            !peek().isSymbol(".")
        else { return nil }
        advance()
        return Expression(.function(FunctionCall(name: token.value, arguments: [])), at: token.position)
    }
}
