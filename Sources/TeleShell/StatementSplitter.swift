// Splits SQL text into statements with their line numbers, and checks whether typed input
// ends a statement.
//
// The scanning itself is TeleSyntax's (`Parser.splitStatements` and `Parser.isComplete`),
// which knows the lexer's quoting rules: strings with `''` and `E'\''` escapes, quoted
// identifiers, dollar quotes and nested comments. This file adds what the shell needs on
// top: the line each statement starts on, so errors in scripts can name it.

import TeleSyntax

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
    /// is returned as a final statement when it contains anything but whitespace and comments.
    ///
    /// - Parameter firstLine: The line number of the first line of `text`.
    public static func split(_ text: String, firstLine: Int = 1) -> [SplitStatement] {
        let bytes = Array(text.utf8)
        var searchStart = 0
        var line = firstLine
        var statements: [SplitStatement] = []
        for statement in Parser.splitStatements(text) {
            // Each statement is a trimmed piece of `text`, in order, so it is found by
            // searching forward from the end of the previous one.
            let pieceBytes = Array(statement.utf8)
            guard let offset = firstOccurrence(of: pieceBytes, in: bytes, from: searchStart) else {
                preconditionFailure("a split statement is a piece of the text it was split from")
            }
            line += bytes[searchStart..<offset].count { $0 == UInt8(ascii: "\n") }
            statements.append(SplitStatement(text: statement, line: line))
            line += pieceBytes.count { $0 == UInt8(ascii: "\n") }
            searchStart = offset + pieceBytes.count
        }
        return statements
    }

    /// Whether `text` ends with a top-level `;` followed only by whitespace and comments, so
    /// that the shell can run it. Text made only of whitespace and comments is not complete.
    public static func isComplete(_ text: String) -> Bool {
        Parser.isComplete(text)
    }

    /// Whether `text` contains anything besides whitespace and comments.
    public static func hasContent(_ text: String) -> Bool {
        !Parser.splitStatements(text).isEmpty
    }

    private static func firstOccurrence(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty else { return start }
        var offset = start
        while offset + needle.count <= haystack.count {
            if haystack[offset] == needle[0], haystack[offset..<offset + needle.count].elementsEqual(needle) {
                return offset
            }
            offset += 1
        }
        return nil
    }
}
