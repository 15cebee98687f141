// Function calls: argument lists with DISTINCT or `*`, the WITHIN GROUP and FILTER clauses,
// and SQL's keyword argument forms of substring, position and trim.

import TeleCore

extension SyntaxParser {
    mutating func parseFunctionCall() throws -> Expression {
        let at = current.position
        let name = advance().value
        return try parseFunctionCall(name: name, at: at)
    }

    /// Parses the argument list and the WITHIN GROUP and FILTER clauses of a call whose name
    /// has been read.
    mutating func parseFunctionCall(name: String, at: SourcePosition) throws -> Expression {
        try enter()
        defer { leave() }
        try expectSymbol("(")
        var call = FunctionCall(name: name, arguments: [])
        if name == "trim" {
            (call.name, call.arguments) = try parseTrimArguments()
        } else if consumeSymbol("*") {
            call.star = true
        } else if !current.isSymbol(")") {
            if consumeWord("distinct") {
                call.distinct = true
            } else {
                _ = consumeWord("all")
            }
            call.arguments = try parseCallArguments(name: name)
        }
        if current.isWord("order"), peek().isWord("by") {
            advance()
            advance()
            call.orderBy = try parseOrderItems()
        }
        try expectSymbol(")")
        if current.isWord("within"), peek().isWord("group") {
            advance()
            advance()
            try expectSymbol("(")
            try expectWord("order")
            try expectWord("by")
            call.withinGroup = try parseOrderItems()
            try expectSymbol(")")
        }
        if current.isWord("filter"), peek().isSymbol("(") {
            advance()
            advance()
            try expectWord("where")
            call.filter = try parseExpression()
            try expectSymbol(")")
        }
        if current.isWord("over") {
            throw notSupported("window functions are not supported")
        }
        return Expression(.function(call), at: at)
    }

    /// Parses call arguments, including SQL's keyword forms `substring(x FROM a FOR b)`,
    /// `position(a IN b)` and `trim([LEADING|TRAILING|BOTH] [chars] FROM x)`, which become
    /// ordinary argument lists: `substring(x, a, b)`, `position(a, b)` and
    /// `ltrim/rtrim/btrim(x, chars)`. The trim form is parsed by `parseTrimArguments`.
    private mutating func parseCallArguments(name: String) throws -> [Expression] {
        if name == "position" {
            let needle = try parseBinary(above: Precedence.predicate.tighter)
            if consumeWord("in") {
                return [needle, try parseExpression()]
            }
            var arguments = [needle]
            while consumeSymbol(",") { arguments.append(try parseExpression()) }
            return arguments
        }
        var arguments = [try parseExpression()]
        if name == "substring" || name == "substr", current.isWord("from") || current.isWord("for") {
            if consumeWord("from") {
                arguments.append(try parseExpression())
            } else {
                arguments.append(Expression(.literal(.integer(1)), at: current.position))
            }
            if consumeWord("for") {
                arguments.append(try parseExpression())
            }
            return arguments
        }
        while consumeSymbol(",") {
            arguments.append(try parseExpression())
        }
        return arguments
    }

    /// Parses `trim([LEADING | TRAILING | BOTH] [characters] FROM source)`, which becomes
    /// `ltrim`, `rtrim` or `btrim(source [, characters])`; `trim(a, b)` stays as written.
    private mutating func parseTrimArguments() throws -> (name: String, arguments: [Expression]) {
        var name = "btrim"
        var keyworded = false
        if consumeWord("leading") {
            name = "ltrim"
            keyworded = true
        } else if consumeWord("trailing") {
            name = "rtrim"
            keyworded = true
        } else if consumeWord("both") {
            keyworded = true
        }
        if consumeWord("from") {
            return (name, [try parseExpression()])
        }
        let first = try parseExpression()
        if consumeWord("from") {
            return (name, [try parseExpression(), first])
        }
        var arguments = [first]
        while consumeSymbol(",") { arguments.append(try parseExpression()) }
        return (keyworded ? name : "trim", arguments)
    }
}
