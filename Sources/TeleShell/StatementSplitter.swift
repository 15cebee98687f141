// Splits SQL text into statements at `;` outside quotes and comments, and tells whether
// typed input ends a statement.
//
// The shell needs this before the parser sees the text: it decides when to stop reading
// continuation lines, and it runs a script one statement at a time so that each error can
// name the statement's line. It knows single-quoted strings (with `''` escapes),
// double-quoted identifiers, `--` line comments and `/* */` block comments.
// NOTE: dollar-quoted strings (`$$ ... $$`) are not recognised.

/// One statement cut from a larger text.
public struct SplitStatement: Equatable, Sendable {
    /// The statement without its terminating `;`, trimmed of surrounding whitespace.
    public var text: String
    /// The 1-based line of the text on which the statement starts.
    public var line: Int

    public init(text: String, line: Int) {
        self.text = text
        self.line = line
    }
}

public enum StatementSplitter {
    /// Splits `text` at every top-level `;`.
    ///
    /// Pieces holding only whitespace and comments are dropped. The text after the last `;`
    /// is returned as a final statement when it holds anything but whitespace and comments.
    public static func split(_ text: String, firstLine: Int = 1) -> [SplitStatement] {
        var statements: [SplitStatement] = []
        let bytes = Array(text.utf8)
        var scanner = Scanner(bytes: bytes)
        var start = 0
        var line = firstLine
        var startLine = firstLine
        while let (terminator, linesPassed) = scanner.nextTerminator() {
            appendStatement(bytes[start..<terminator], line: startLine, to: &statements)
            line += linesPassed
            start = terminator + 1
            startLine = line
        }
        appendStatement(bytes[start...], line: startLine, to: &statements)
        return statements
    }

    /// Whether `text` ends with a top-level `;` followed only by whitespace and comments, so
    /// that the shell can run it. Text made only of whitespace and comments is not complete.
    public static func isComplete(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var scanner = Scanner(bytes: bytes)
        var lastTerminator: Int?
        while let (terminator, _) = scanner.nextTerminator() { lastTerminator = terminator }
        guard let lastTerminator, !scanner.endsInsideLiteral else { return false }
        return !hasContent(bytes[(lastTerminator + 1)...])
    }

    private static func appendStatement(_ bytes: ArraySlice<UInt8>, line: Int, to statements: inout [SplitStatement]) {
        guard hasContent(bytes) else { return }
        // Start the statement at its first non-blank line so that error lines point at it.
        var first = bytes.startIndex
        var statementLine = line
        while first < bytes.endIndex, isWhitespace(bytes[first]) {
            if bytes[first] == UInt8(ascii: "\n") { statementLine += 1 }
            first += 1
        }
        var last = bytes.endIndex
        while last > first, isWhitespace(bytes[last - 1]) { last -= 1 }
        statements.append(SplitStatement(text: String(decoding: bytes[first..<last], as: UTF8.self), line: statementLine))
    }

    /// Whether the bytes hold anything besides whitespace and comments.
    static func hasContent(_ bytes: ArraySlice<UInt8>) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if isWhitespace(byte) {
                index += 1
            } else if byte == UInt8(ascii: "-"), index + 1 < bytes.endIndex, bytes[index + 1] == UInt8(ascii: "-") {
                while index < bytes.endIndex, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            } else if byte == UInt8(ascii: "/"), index + 1 < bytes.endIndex, bytes[index + 1] == UInt8(ascii: "*") {
                index += 2
                while index + 1 < bytes.endIndex, !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) {
                    index += 1
                }
                index += 2
            } else {
                return true
            }
        }
        return false
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
    }
}

/// Walks SQL bytes and stops at each `;` that is outside quotes and comments.
private struct Scanner {
    let bytes: [UInt8]
    var index = 0
    /// Whether the text ended inside a string, quoted identifier or block comment.
    private(set) var endsInsideLiteral = false

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// Returns the offset of the next top-level `;` and the number of line breaks between the
    /// previous stop and that `;`, or nil at the end of the text.
    mutating func nextTerminator() -> (Int, Int)? {
        var lines = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: ";"):
                index += 1
                return (index - 1, lines)
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                lines += skipQuoted(byte)
            case UInt8(ascii: "-") where peek(1) == UInt8(ascii: "-"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                lines += skipBlockComment()
            default:
                if byte == UInt8(ascii: "\n") { lines += 1 }
                index += 1
            }
        }
        return nil
    }

    private func peek(_ distance: Int) -> UInt8? {
        index + distance < bytes.count ? bytes[index + distance] : nil
    }

    /// Skips a quoted string or identifier; a doubled quote inside it is an escaped quote.
    private mutating func skipQuoted(_ quote: UInt8) -> Int {
        var lines = 0
        index += 1
        while index < bytes.count {
            if bytes[index] == quote {
                if peek(1) == quote {
                    index += 2
                    continue
                }
                index += 1
                return lines
            }
            if bytes[index] == UInt8(ascii: "\n") { lines += 1 }
            index += 1
        }
        endsInsideLiteral = true
        return lines
    }

    private mutating func skipBlockComment() -> Int {
        var lines = 0
        index += 2
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                index += 2
                return lines
            }
            if bytes[index] == UInt8(ascii: "\n") { lines += 1 }
            index += 1
        }
        endsInsideLiteral = true
        return lines
    }
}
