// The hand-written SQL lexer. It walks the UTF-8 bytes of the text once, skips whitespace and
// comments (`--` to the end of the line, `/* */` nested as in PostgreSQL), and produces
// tokens with 1-based line and column numbers. Columns count characters, not bytes.

import TeleCore

public struct Lexer {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1

    public init(_ sql: String) {
        bytes = Array(sql.utf8)
    }

    /// Splits `sql` into tokens, ending with one `.end` token.
    ///
    /// - Throws: `TeleError` 42601 for an unterminated string, quoted identifier or comment,
    ///   naming the position where it began, and for characters that start no token.
    public static func tokenize(_ sql: String) throws -> [Token] {
        var lexer = Lexer(sql)
        var tokens: [Token] = []
        while true {
            let token = try lexer.nextToken()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    /// Reads the next token, or `.end` once the input is exhausted.
    public mutating func nextToken() throws -> Token {
        try skipWhitespaceAndComments()
        let start = index
        let position = currentPosition
        guard index < bytes.count else {
            return Token(kind: .end, value: "", text: "", position: position)
        }
        let byte = bytes[index]

        let kind: TokenKind
        var value: String
        switch byte {
        case UInt8(ascii: "'"):
            kind = .string
            value = try readQuoted(quote: UInt8(ascii: "'"), kind: "quoted string", at: position)
        case UInt8(ascii: "\""):
            kind = .quotedIdentifier
            value = try readQuoted(quote: UInt8(ascii: "\""), kind: "quoted identifier", at: position)
            if value.isEmpty {
                throw TeleError.syntax(
                    "zero-length delimited identifier at or near \"\"\"\"", at: position,
                    hint: "Write a name between the double quotes.")
            }
        case UInt8(ascii: "e") where peek(1) == UInt8(ascii: "'"),
            UInt8(ascii: "E") where peek(1) == UInt8(ascii: "'"):
            advance()
            kind = .string
            value = try readEscapedString(at: position)
        case UInt8(ascii: "x") where peek(1) == UInt8(ascii: "'"),
            UInt8(ascii: "X") where peek(1) == UInt8(ascii: "'"):
            advance()
            kind = .string
            value = try readHexString(at: position)
        case UInt8(ascii: "$"):
            if let digit = peek(1), isDigit(digit) {
                advance()
                while let next = peek(0), isDigit(next) { advance() }
                kind = .parameter
                value = text(from: start + 1)
            } else {
                kind = .string
                value = try readDollarQuoted(at: position)
            }
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            kind = .number
            readNumber()
            value = ""
        case UInt8(ascii: ".") where peek(1).map(isDigit) == true:
            kind = .number
            readNumber()
            value = ""
        default:
            if isIdentifierStart(byte) {
                while let next = peek(0), isIdentifierPart(next) { advance() }
                kind = .word
                value = ""
            } else if let symbol = matchSymbol() {
                for _ in 0..<symbol.utf8.count { advance() }
                kind = .symbol
                value = symbol
            } else {
                advance()
                let written = text(from: start)
                throw TeleError.syntax("syntax error at or near \"\(written)\"", at: position)
            }
        }
        // Symbols are static strings already; other tokens copy their source text once.
        let written = kind == .symbol ? value : text(from: start)
        if kind == .word {
            value = lowercasedASCII(written)
        } else if kind == .number {
            value = written
        }
        return Token(kind: kind, value: value, text: written, position: position)
    }

    // MARK: - Positions

    private var currentPosition: SourcePosition {
        SourcePosition(offset: index, line: line, column: column)
    }

    private func peek(_ distance: Int) -> UInt8? {
        let target = index + distance
        return target < bytes.count ? bytes[target] : nil
    }

    /// Moves one byte ahead, counting lines and characters; UTF-8 continuation bytes do not
    /// start a new column.
    private mutating func advance() {
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    private func text(from start: Int) -> String {
        String(decoding: bytes[start..<index], as: UTF8.self)
    }

    // MARK: - Whitespace and comments

    private mutating func skipWhitespaceAndComments() throws {
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
                advance()
            } else if byte == UInt8(ascii: "-"), peek(1) == UInt8(ascii: "-") {
                while let next = peek(0), next != UInt8(ascii: "\n") { advance() }
            } else if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                try skipBlockComment()
            } else {
                return
            }
        }
    }

    /// Skips a `/* */` comment; comments nest, so `/* a /* b */ c */` is one comment.
    private mutating func skipBlockComment() throws {
        let position = currentPosition
        var depth = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                depth += 1
                advance()
                advance()
            } else if bytes[index] == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                depth -= 1
                advance()
                advance()
                if depth == 0 { return }
            } else {
                advance()
            }
        }
        throw TeleError.syntax(
            "unterminated /* comment at or near \"/*\"", at: position,
            hint: "Close the comment with */.")
    }

    // MARK: - Strings and quoted identifiers

    /// Reads text between two `quote` characters, where a doubled quote stands for one.
    private mutating func readQuoted(quote: UInt8, kind: String, at position: SourcePosition) throws
        -> String
    {
        advance()
        var content: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            advance()
            if byte == quote {
                if peek(0) == quote {
                    advance()
                    content.append(quote)
                } else {
                    return String(decoding: content, as: UTF8.self)
                }
            } else {
                content.append(byte)
            }
        }
        throw unterminated(kind, at: position, closing: quote)
    }

    /// Reads an `X'...'` binary string literal (SQLite's blob syntax). TeleDB has no binary
    /// type, so the literal becomes text in PostgreSQL's bytea output form, `\x` followed by
    /// the lower-case hex digits, which `decode(s, 'hex')`-style tools understand.
    private mutating func readHexString(at position: SourcePosition) throws -> String {
        let digits = try readQuoted(quote: UInt8(ascii: "'"), kind: "quoted string", at: position)
        guard digits.count % 2 == 0, digits.utf8.allSatisfy({ $0 < 0x80 && Character(Unicode.Scalar($0)).isHexDigit })
        else {
            throw TeleError.syntax(
                "invalid binary string literal X'\(digits)'", at: position,
                hint: "Write an even number of hexadecimal digits between the quotes, as in X'0a1b'.")
        }
        return "\\x" + digits.lowercased()
    }

    /// Reads an `E'...'` string, resolving backslash escapes as PostgreSQL does.
    private mutating func readEscapedString(at position: SourcePosition) throws -> String {
        advance()
        var content: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            advance()
            if byte == UInt8(ascii: "'") {
                if peek(0) == UInt8(ascii: "'") {
                    advance()
                    content.append(byte)
                } else {
                    return String(decoding: content, as: UTF8.self)
                }
            } else if byte == UInt8(ascii: "\\"), index < bytes.count {
                try readEscape(into: &content)
            } else {
                content.append(byte)
            }
        }
        throw unterminated("quoted string", at: position, closing: UInt8(ascii: "'"))
    }

    private mutating func readEscape(into content: inout [UInt8]) throws {
        let escapePosition = currentPosition
        let byte = bytes[index]
        advance()
        switch byte {
        case UInt8(ascii: "b"): content.append(0x08)
        case UInt8(ascii: "f"): content.append(0x0C)
        case UInt8(ascii: "n"): content.append(0x0A)
        case UInt8(ascii: "r"): content.append(0x0D)
        case UInt8(ascii: "t"): content.append(0x09)
        case UInt8(ascii: "x"):
            let code = readDigits(radix: 16, maxCount: 2)
            guard let code else {
                throw TeleError.syntax(
                    "invalid hexadecimal escape at or near \"\\x\"", at: escapePosition,
                    hint: "Write one or two hexadecimal digits after \\x.")
            }
            content.append(UInt8(code))
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = byte == UInt8(ascii: "u") ? 4 : 8
            guard let code = readDigits(radix: 16, maxCount: count, exact: true),
                let scalar = Unicode.Scalar(UInt32(code))
            else {
                throw TeleError.syntax(
                    "invalid Unicode escape at or near \"\\\(Character(Unicode.Scalar(byte)))\"",
                    at: escapePosition,
                    hint: "Write \\uXXXX or \\UXXXXXXXX with a valid code point.")
            }
            content.append(contentsOf: Array(String(Character(scalar)).utf8))
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            var code = Int(byte - UInt8(ascii: "0"))
            var count = 1
            while count < 3, let next = peek(0), next >= UInt8(ascii: "0"), next <= UInt8(ascii: "7") {
                code = code * 8 + Int(next - UInt8(ascii: "0"))
                advance()
                count += 1
            }
            content.append(UInt8(truncatingIfNeeded: code))
        default:
            content.append(byte)
        }
    }

    private mutating func readDigits(radix: Int, maxCount: Int, exact: Bool = false) -> Int? {
        var code = 0
        var count = 0
        while count < maxCount, let next = peek(0), let digit = hexValue(next), digit < radix {
            code = code * radix + digit
            advance()
            count += 1
        }
        if count == 0 || (exact && count < maxCount) { return nil }
        return code
    }

    /// Reads `$tag$ ... $tag$` (the tag may be empty); the body is taken literally.
    private mutating func readDollarQuoted(at position: SourcePosition) throws -> String {
        let tagStart = index
        advance()
        while let next = peek(0), next != UInt8(ascii: "$") {
            guard isIdentifierPart(next), next != UInt8(ascii: "$") else {
                throw TeleError.syntax("syntax error at or near \"$\"", at: position)
            }
            advance()
        }
        guard peek(0) == UInt8(ascii: "$") else {
            throw TeleError.syntax("syntax error at or near \"$\"", at: position)
        }
        advance()
        let tag = Array(bytes[tagStart..<index])
        let bodyStart = index
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "$"), index + tag.count <= bytes.count,
                Array(bytes[index..<index + tag.count]) == tag
            {
                let body = String(decoding: bytes[bodyStart..<index], as: UTF8.self)
                for _ in 0..<tag.count { advance() }
                return body
            }
            advance()
        }
        throw TeleError.syntax(
            "unterminated dollar-quoted string at or near \"\(String(decoding: tag, as: UTF8.self))\"",
            at: position, hint: "Close the string with \(String(decoding: tag, as: UTF8.self)).")
    }

    private func unterminated(_ kind: String, at position: SourcePosition, closing: UInt8) -> TeleError {
        let quote = String(Character(Unicode.Scalar(closing)))
        return TeleError.syntax(
            "unterminated \(kind) at or near \"\(quote)\"", at: position,
            hint: "Close it with a matching \(quote).")
    }

    // MARK: - Numbers and symbols

    /// Reads `12`, `1.5`, `.5`, `1.`, `1e-3` or `2.5E+10`; a sign is an operator, not part of
    /// the number.
    private mutating func readNumber() {
        while let next = peek(0), isDigit(next) { advance() }
        if peek(0) == UInt8(ascii: "."), peek(1) != UInt8(ascii: ".") {
            advance()
            while let next = peek(0), isDigit(next) { advance() }
        }
        if let next = peek(0), next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            let hasSign = peek(1) == UInt8(ascii: "+") || peek(1) == UInt8(ascii: "-")
            if let digit = peek(hasSign ? 2 : 1), isDigit(digit) {
                advance()
                if hasSign { advance() }
                while let next = peek(0), isDigit(next) { advance() }
            }
        }
    }

    /// Matches an operator or punctuation mark at the cursor, longest first, so that `<=`
    /// wins over `<` and `!~*` over `!~`.
    private func matchSymbol() -> String? {
        let second = peek(1)
        switch bytes[index] {
        case UInt8(ascii: "!"):
            if second == UInt8(ascii: "~") { return peek(2) == UInt8(ascii: "*") ? "!~*" : "!~" }
            return second == UInt8(ascii: "=") ? "!=" : nil
        case UInt8(ascii: "~"): return second == UInt8(ascii: "*") ? "~*" : "~"
        case UInt8(ascii: "<"):
            if second == UInt8(ascii: ">") { return "<>" }
            return second == UInt8(ascii: "=") ? "<=" : "<"
        case UInt8(ascii: ">"): return second == UInt8(ascii: "=") ? ">=" : ">"
        case UInt8(ascii: "|"): return second == UInt8(ascii: "|") ? "||" : nil
        case UInt8(ascii: ":"): return second == UInt8(ascii: ":") ? "::" : ":"
        case UInt8(ascii: "("): return "("
        case UInt8(ascii: ")"): return ")"
        case UInt8(ascii: ","): return ","
        case UInt8(ascii: ";"): return ";"
        case UInt8(ascii: "."): return "."
        case UInt8(ascii: "["): return "["
        case UInt8(ascii: "]"): return "]"
        case UInt8(ascii: "+"): return "+"
        case UInt8(ascii: "-"): return "-"
        case UInt8(ascii: "*"): return "*"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "%"): return "%"
        case UInt8(ascii: "="): return "="
        case UInt8(ascii: "^"): return "^"
        default: return nil
        }
    }
}

// MARK: - Character classes

@inline(__always)
func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
}

@inline(__always)
func isIdentifierStart(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
        || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
        || byte == UInt8(ascii: "_") || byte >= 0x80
}

@inline(__always)
func isIdentifierPart(_ byte: UInt8) -> Bool {
    isIdentifierStart(byte) || isDigit(byte) || byte == UInt8(ascii: "$")
}

private func hexValue(_ byte: UInt8) -> Int? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a")) + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A")) + 10
    default: return nil
    }
}

/// Lower-cases ASCII letters only, as PostgreSQL folds unquoted identifiers.
func lowercasedASCII(_ text: String) -> String {
    // Most words are already lower case; skip the copy for them.
    guard text.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else {
        return text
    }
    var utf8 = Array(text.utf8)
    for i in utf8.indices where utf8[i] >= UInt8(ascii: "A") && utf8[i] <= UInt8(ascii: "Z") {
        utf8[i] += 32
    }
    return String(decoding: utf8, as: UTF8.self)
}
