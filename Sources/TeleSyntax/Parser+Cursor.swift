// DECLARE and FETCH of cursors (CLOSE is read with the session statements). The wire server keeps this
// session state. Drivers use it for server-side cursors (psycopg) and to clean a pooled
// connection before reuse (asyncpg sends CLOSE ALL and RESET ALL).

import TeleCore

extension SyntaxParser {
    /// Reads `DECLARE name [BINARY] [NO SCROLL] CURSOR [WITH HOLD | WITHOUT HOLD] FOR query`.
    mutating func parseDeclareCursor() throws -> Statement {
        try expectWord("declare")
        let name = try parseIdentifier(allowKeywords: true, expected: "a cursor name")
        _ = consumeWord("binary")
        _ = consumeWord("insensitive") || consumeWord("asensitive")
        if consumeWord("no") {
            try expectWord("scroll")
        } else if current.isWord("scroll") {
            throw notSupported("scrollable cursors are not supported", hint: "Declare the cursor NO SCROLL and fetch forward.")
        }
        try expectWord("cursor")
        var hold = false
        if consumeWord("with") {
            try expectWord("hold")
            hold = true
        } else if consumeWord("without") {
            try expectWord("hold")
        }
        try expectWord("for")
        return .declareCursor(name: name, hold: hold, query: try parseQuery())
    }

    /// Reads `FETCH [NEXT | count | ALL | FORWARD [count | ALL]] [FROM | IN] name`.
    mutating func parseFetch() throws -> Statement {
        try expectWord("fetch")
        var count: Int64? = 1
        if consumeWord("forward") {
            if let number = try consumeCount() { count = number } else if consumeWord("all") { count = nil }
        } else if consumeWord("next") {
            count = 1
        } else if consumeWord("all") {
            count = nil
        } else if let number = try consumeCount() {
            count = number
        } else if ["backward", "prior", "first", "last", "absolute", "relative"].contains(current.value),
            current.kind == .word
        {
            throw notSupported(
                "FETCH \(current.value.uppercased()) is not supported", hint: "Cursors fetch forward only: FETCH n FROM name.")
        }
        if !consumeWord("from") { _ = consumeWord("in") }
        return .fetch(cursor: try parseIdentifier(allowKeywords: true, expected: "a cursor name"), count: count)
    }

    /// Reads a non-negative row count, if one is next.
    private mutating func consumeCount() throws -> Int64? {
        guard current.kind == .number else { return nil }
        let token = advance()
        guard let count = Int64(token.value), count >= 0 else {
            throw TeleError.syntax(
                "invalid FETCH count \(token.text)", at: token.position, hint: "Give a whole number of rows, or ALL.")
        }
        return count
    }
}
