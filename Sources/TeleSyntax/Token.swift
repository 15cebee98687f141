// Tokens produced by the lexer: a kind, the value the parser works with, the text as written
// (for error messages) and the source position of the first character.

import TeleCore

public enum TokenKind: Sendable, Equatable {
    /// An unquoted identifier or keyword; the value is lower-cased.
    case word
    /// A double-quoted identifier; the value keeps its case, with `""` turned into `"`.
    case quotedIdentifier
    /// A string literal in any quoting style; the value has its escapes resolved.
    case string
    /// A numeric literal; the value is the text as written.
    case number
    /// A positional parameter such as `$1`; the value is the digits.
    case parameter
    /// An operator or punctuation mark, such as `(`, `::` or `<>`.
    case symbol
    /// The end of the input.
    case end
}

public struct Token: Sendable, Equatable {
    public var kind: TokenKind
    public var value: String
    /// The source text of the token, used in `syntax error at or near "..."` messages.
    public var text: String
    public var position: SourcePosition

    public init(kind: TokenKind, value: String, text: String, position: SourcePosition) {
        self.kind = kind
        self.value = value
        self.text = text
        self.position = position
    }

    /// Tells whether the token is the unquoted keyword `keyword`, given in lower case.
    @inline(__always)
    public func isWord(_ keyword: String) -> Bool {
        kind == .word && value == keyword
    }

    @inline(__always)
    public func isSymbol(_ symbol: String) -> Bool {
        kind == .symbol && value == symbol
    }
}
