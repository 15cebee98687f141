// Splitting a script into statements without parsing it, for the shell: it needs to know
// where one statement ends and whether the text typed so far is complete. The scanner follows
// just enough of the lexer's rules to find `;` outside string literals, quoted identifiers,
// dollar-quoted strings and comments.

extension Parser {
    /// Splits a script on `;` outside quotes and comments.
    ///
    /// Each statement is returned without its `;` and with surrounding whitespace trimmed.
    /// Pieces holding only whitespace and comments are dropped. Text after the last `;` is
    /// returned as the last statement even when it is incomplete.
    public static func splitStatements(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        var scanner = ScriptScanner(bytes: bytes)
        var statements: [String] = []
        var start = 0
        while let end = scanner.nextSemicolon() {
            appendStatement(bytes[start..<end], hasContent: scanner.takeContentFlag(), to: &statements)
            start = end + 1
        }
        appendStatement(bytes[start..<bytes.count], hasContent: scanner.takeContentFlag(), to: &statements)
        return statements
    }

    /// Tells whether `text` ends with a `;` outside quotes and comments, followed by nothing
    /// but whitespace and comments, so that a shell can run it.
    public static func isComplete(_ text: String) -> Bool {
        var scanner = ScriptScanner(bytes: Array(text.utf8))
        var sawSemicolon = false
        while scanner.nextSemicolon() != nil {
            sawSemicolon = true
            _ = scanner.takeContentFlag()
        }
        return sawSemicolon && !scanner.takeContentFlag() && !scanner.isInsideQuoteOrComment
    }

    private static func appendStatement(_ slice: ArraySlice<UInt8>, hasContent: Bool, to statements: inout [String]) {
        guard hasContent else { return }
        var lower = slice.startIndex
        var upper = slice.endIndex
        while lower < upper, isWhitespace(slice[lower]) { lower += 1 }
        while upper > lower, isWhitespace(slice[upper - 1]) { upper -= 1 }
        statements.append(String(decoding: slice[lower..<upper], as: UTF8.self))
    }
}

private func isWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
}

/// A byte scanner that skips quoted text and comments and stops at each top-level `;`.
private struct ScriptScanner {
    let bytes: [UInt8]
    var index = 0
    /// Whether a byte outside whitespace and comments appeared since the last `;`.
    private var sawContent = false
    /// Whether the text ended inside a string, quoted identifier or comment.
    private(set) var isInsideQuoteOrComment = false

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func takeContentFlag() -> Bool {
        defer { sawContent = false }
        return sawContent
    }

    /// Returns the offset of the next top-level `;`, or nil at the end of the text.
    mutating func nextSemicolon() -> Int? {
        while index < bytes.count {
            let byte = bytes[index]
            let next: UInt8? = index + 1 < bytes.count ? bytes[index + 1] : nil
            switch byte {
            case UInt8(ascii: ";"):
                index += 1
                return index - 1
            case UInt8(ascii: "-") where next == UInt8(ascii: "-"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where next == UInt8(ascii: "*"):
                skipBlockComment()
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                sawContent = true
                let escapes = byte == UInt8(ascii: "'") && index > 0 && isEscapePrefix(at: index - 1)
                skipQuoted(byte, backslashEscapes: escapes)
            case UInt8(ascii: "$") where next.map { !isDigit($0) } == true
                && (index == 0 || !isIdentifierPart(bytes[index - 1])):
                sawContent = true
                skipDollarQuoted()
            default:
                if !isWhitespace(byte) { sawContent = true }
                index += 1
            }
        }
        return nil
    }

    /// Tells whether the byte before a quote is an `E` that starts an escaped string literal.
    private func isEscapePrefix(at position: Int) -> Bool {
        let byte = bytes[position]
        guard byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") else { return false }
        return position == 0 || !isIdentifierPart(bytes[position - 1])
    }

    private mutating func skipBlockComment() {
        var depth = 0
        while index < bytes.count {
            let next: UInt8? = index + 1 < bytes.count ? bytes[index + 1] : nil
            if bytes[index] == UInt8(ascii: "/"), next == UInt8(ascii: "*") {
                depth += 1
                index += 2
            } else if bytes[index] == UInt8(ascii: "*"), next == UInt8(ascii: "/") {
                depth -= 1
                index += 2
                if depth == 0 { return }
            } else {
                index += 1
            }
        }
        isInsideQuoteOrComment = true
    }

    private mutating func skipQuoted(_ quote: UInt8, backslashEscapes: Bool) {
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if backslashEscapes, byte == UInt8(ascii: "\\") {
                index += 1
            } else if byte == quote {
                if index < bytes.count, bytes[index] == quote {
                    index += 1
                } else {
                    return
                }
            }
        }
        isInsideQuoteOrComment = true
    }

    /// Skips `$tag$ ... $tag$`. A `$` that does not open a valid tag is skipped alone, as
    /// the lexer will report it.
    private mutating func skipDollarQuoted() {
        var tagEnd = index + 1
        while tagEnd < bytes.count, bytes[tagEnd] != UInt8(ascii: "$"), isIdentifierPart(bytes[tagEnd]) {
            tagEnd += 1
        }
        guard tagEnd < bytes.count, bytes[tagEnd] == UInt8(ascii: "$") else {
            index += 1
            return
        }
        let tag = bytes[index...tagEnd]
        var position = tagEnd + 1
        while position + tag.count <= bytes.count {
            if bytes[position] == UInt8(ascii: "$"), bytes[position..<position + tag.count].elementsEqual(tag) {
                index = position + tag.count
                return
            }
            position += 1
        }
        index = bytes.count
        isInsideQuoteOrComment = true
    }
}
