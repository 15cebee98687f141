// The entry points of the SQL parser and the token cursor that the recursive-descent
// functions in the `Parser+*.swift` files share. Parsing is one pass over the token array
// with one token of lookahead (a few places peek two or three tokens ahead), so its time is
// linear in the length of the statement.

import TeleCore

public enum Parser {
    /// The deepest nesting of parentheses, subqueries, function calls, CASE and ARRAY
    /// constructs that one statement may contain. Deeper input throws 54001 instead of
    /// exhausting the stack of the recursive-descent parser.
    public static let maximumNestingDepth = 1_000

    /// Parses a script of zero or more statements separated by `;`.
    ///
    /// - Throws: `TeleError` 42601 for a syntax error, with the position of the unexpected
    ///   token; 0A000 for SQL that TeleDB does not support; 54001 for too deep nesting.
    public static func parse(_ sql: String) throws -> [Statement] {
        let parser = try SyntaxParser(sql)
        if parser.nestingEstimate > shallowNestingDepth {
            return try runOnLargeStack(stackSize: deepStackSize) { try parseStatements(parser) }
        }
        return try parseStatements(parser)
    }

    /// Parses one expression, such as `a + 1 > b`, with nothing after it.
    public static func parseExpression(_ sql: String) throws -> Expression {
        let parser = try SyntaxParser(sql)
        if parser.nestingEstimate > shallowNestingDepth {
            return try runOnLargeStack(stackSize: deepStackSize) { try parseSingleExpression(parser) }
        }
        return try parseSingleExpression(parser)
    }

    /// Statements nested at most this deep are parsed on the caller's thread, whose stack size
    /// the parser does not control. At about 16 KiB a level in a debug build, 16 levels fit
    /// in 512 KiB.
    static let shallowNestingDepth = 16

    /// The stack for deeply nested statements. NOTE: 1,000 nested subqueries, in FROM or in
    /// the select list, overflowed 8 MiB and fitted in 16 MiB in a debug build (Swift 6.3.1,
    /// x86-64); 64 MiB leaves room for heavier constructs. Only touched pages are committed.
    static let deepStackSize = 64 << 20

    /// Parses a script like `parse(_:)` and returns each statement with its source text.
    ///
    /// - Throws: the errors of `parse(_:)`.
    public static func parseWithText(_ sql: String) throws -> [ParsedStatement] {
        let parser = try SyntaxParser(sql)
        if parser.nestingEstimate > shallowNestingDepth {
            return try runOnLargeStack(stackSize: deepStackSize) { try parseStatementsWithText(parser) }
        }
        return try parseStatementsWithText(parser)
    }

    private static func parseStatements(_ start: SyntaxParser) throws -> [Statement] {
        try parseStatementsWithText(start).map(\.statement)
    }

    private static func parseStatementsWithText(_ start: SyntaxParser) throws -> [ParsedStatement] {
        var parser = start
        var statements: [ParsedStatement] = []
        while true {
            while parser.consumeSymbol(";") {}
            if parser.current.kind == .end { return statements }
            let firstOffset = parser.current.position.offset
            parser.queryRange = nil
            let statement = try parser.parseStatement()
            let text = parser.sourceText(firstOffset..<parser.endOfPreviousToken)
            let queryText = parser.queryRange.map { parser.sourceText($0) }
            statements.append(ParsedStatement(statement: statement, text: text, queryText: queryText))
            if parser.current.kind != .end && !parser.current.isSymbol(";") {
                throw parser.unexpected(hint: "Separate statements with a semicolon.")
            }
        }
    }

    private static func parseSingleExpression(_ start: SyntaxParser) throws -> Expression {
        var parser = start
        let expression = try parser.parseExpression()
        if parser.current.kind != .end { throw parser.unexpected() }
        return expression
    }
}

/// A statement with the source text it was parsed from.
public struct ParsedStatement: Sendable, Equatable {
    public var statement: Statement
    /// The statement as written, from its first token to its last, without the `;`.
    public var text: String
    /// The query of a CREATE VIEW or CREATE TABLE AS statement as written, such as
    /// `SELECT a FROM t` for `CREATE VIEW v AS SELECT a FROM t`; nil for other statements.
    public var queryText: String?

    public init(statement: Statement, text: String, queryText: String?) {
        self.statement = statement
        self.text = text
        self.queryText = queryText
    }
}

/// The token cursor and nesting counter behind `Parser`.
struct SyntaxParser {
    private(set) var tokens: [Token]
    private(set) var index = 0
    private(set) var depth = 0
    private let source: [UInt8]
    /// The byte range of the query inside CREATE VIEW or CREATE TABLE AS, set when one is parsed.
    var queryRange: Range<Int>?

    /// An upper bound on how deeply the statement nests: the deepest bracket nesting plus
    /// the number of CASE keywords, because CASE nests without brackets.
    let nestingEstimate: Int

    init(_ sql: String) throws {
        source = Array(sql.utf8)
        tokens = try Lexer.tokenize(sql)
        var bracketDepth = 0
        var deepest = 0
        var caseCount = 0
        for token in tokens {
            if token.isSymbol("(") || token.isSymbol("[") {
                bracketDepth += 1
                deepest = max(deepest, bracketDepth)
            } else if token.isSymbol(")") || token.isSymbol("]") {
                bracketDepth -= 1
            } else if token.isWord("case") {
                caseCount += 1
            }
        }
        nestingEstimate = deepest + caseCount
    }

    // MARK: - Cursor

    /// The byte offset just past the last token read.
    var endOfPreviousToken: Int {
        guard index > 0 else { return 0 }
        let previous = tokens[index - 1]
        return previous.position.offset + previous.text.utf8.count
    }

    func sourceText(_ range: Range<Int>) -> String {
        String(decoding: source[range], as: UTF8.self)
    }

    /// Parses a query and records its byte range in `queryRange`.
    mutating func parseQueryRecordingText() throws -> SelectStatement {
        let start = current.position.offset
        let query = try parseQuery()
        queryRange = start..<endOfPreviousToken
        return query
    }

    var current: Token { tokens[index] }

    /// Returns the token `distance` places ahead, or the `.end` token past the end.
    func peek(_ distance: Int = 1) -> Token {
        tokens[min(index + distance, tokens.count - 1)]
    }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    /// Moves the cursor back to a saved index, for the few places that try one reading and
    /// fall back to another.
    mutating func rewind(to saved: Int) {
        index = saved
    }

    mutating func consumeWord(_ keyword: String) -> Bool {
        guard current.isWord(keyword) else { return false }
        advance()
        return true
    }

    mutating func consumeSymbol(_ symbol: String) -> Bool {
        guard current.isSymbol(symbol) else { return false }
        advance()
        return true
    }

    mutating func expectWord(_ keyword: String) throws {
        guard consumeWord(keyword) else {
            throw unexpected(hint: "Expected \(keyword.uppercased()).")
        }
    }

    mutating func expectSymbol(_ symbol: String) throws {
        guard consumeSymbol(symbol) else {
            throw unexpected(hint: "Expected \"\(symbol)\".")
        }
    }

    // MARK: - Errors

    /// Makes the 42601 error for the current token, in PostgreSQL's wording. A word close to a
    /// keyword gets "Did you mean ...?" as its hint, in place of the caller's more general one.
    func unexpected(hint: String? = nil) -> TeleError {
        let token = current
        if token.kind == .end {
            return TeleError.syntax("syntax error at end of input", at: token.position, hint: hint)
        }
        var hint = hint
        if token.kind == .word, token.value.utf8.count >= 3, !Keywords.isReserved(token.value),
            let keyword = nearestName(to: token.value, among: Keywords.commonKeywords)
        {
            hint = "Did you mean \(keyword.uppercased())?"
        }
        return TeleError.syntax("syntax error at or near \"\(token.text)\"", at: token.position, hint: hint)
    }

    func notSupported(_ message: String, hint: String? = nil) -> TeleError {
        TeleError(.featureNotSupported, message, hint: hint, position: current.position)
    }

    // MARK: - Nesting

    /// Counts one more level of nesting; callers pair it with `leave()` in a `defer`.
    mutating func enter() throws {
        depth += 1
        if depth > Parser.maximumNestingDepth {
            throw TeleError(
                .statementTooComplex, "statement is too deeply nested",
                detail: "The limit is \(Parser.maximumNestingDepth) nested parentheses, subqueries or calls.",
                hint: "Simplify the statement.", position: current.position)
        }
    }

    mutating func leave() {
        depth -= 1
    }

    func tooComplex(_ detail: String) -> TeleError {
        TeleError(
            .statementTooComplex, "statement is too complex", detail: detail,
            hint: "Simplify the statement.", position: current.position)
    }

    // MARK: - Names

    /// Reads a name: a quoted identifier, or a word that is not a reserved keyword. With
    /// `allowKeywords`, any word is taken, as after `AS` where SQL allows keywords as labels.
    mutating func parseIdentifier(allowKeywords: Bool = false, expected: String = "a name") throws -> String {
        let token = current
        switch token.kind {
        case .quotedIdentifier:
            advance()
            return token.value
        case .word where allowKeywords || !Keywords.isReserved(token.value):
            advance()
            return token.value
        default:
            throw unexpected(hint: "Expected \(expected).")
        }
    }

    /// Tells whether the current token can start a name.
    var atIdentifier: Bool {
        current.kind == .quotedIdentifier || (current.kind == .word && !Keywords.isReserved(current.value))
    }

    /// Reads `name` or `schema.name`, joined by a dot.
    mutating func parseQualifiedName(expected: String) throws -> String {
        var parts = [try parseIdentifier(expected: expected)]
        while current.isSymbol("."), peek().kind == .word || peek().kind == .quotedIdentifier {
            advance()
            parts.append(try parseIdentifier(allowKeywords: true, expected: expected))
        }
        return parts.joined(separator: ".")
    }

    /// Reads `(name, name, ...)`.
    mutating func parseNameList(expected: String) throws -> [String] {
        try expectSymbol("(")
        var names = [try parseIdentifier(expected: expected)]
        while consumeSymbol(",") {
            names.append(try parseIdentifier(expected: expected))
        }
        try expectSymbol(")")
        return names
    }
}
