// The shell's error output: the message, the offending source line with a caret under
// the error position, then the detail and hint.
//
//     Error: syntax error at or near "FORM"
//     LINE 1: SELECT * FORM t;
//                      ^
//     HINT: ...

import TeleCore

public enum ErrorFormatter {
    /// Formats `error` raised by `statement`.
    ///
    /// - Parameters:
    ///   - statement: The statement text as it was executed and the line it starts on in its
    ///     script. The error position is relative to this text.
    ///   - inScript: Whether to name the script line (`Error: near line 12: ...`), for input
    ///     that is not typed at the prompt.
    /// - Returns: The lines to print on stderr, ending with a newline.
    public static func format(_ error: any Error, statement: SplitStatement?, inScript: Bool) -> String {
        guard let error = error as? TeleError else {
            return "Error: \(linePrefix(statement, inScript: inScript))\(error)\n"
        }
        var text = "Error: \(linePrefix(statement, inScript: inScript))\(error.message)\n"
        if let position = error.position, let statement,
            let (sourceLine, column, lineIndex) = locate(position, in: statement.text)
        {
            // Scripts count lines from the top of the file, the prompt from the statement's start.
            let lineNumber = inScript ? statement.line + lineIndex : lineIndex + 1
            let label = "LINE \(lineNumber): "
            text += label + sourceLine + "\n"
            text += String(repeating: " ", count: label.count + column) + "^\n"
        } else if let position = error.position {
            text += "POSITION: \(position)\n"
        }
        if let detail = error.detail { text += "DETAIL: \(detail)\n" }
        if let hint = error.hint { text += "HINT: \(hint)\n" }
        return text
    }

    private static func linePrefix(_ statement: SplitStatement?, inScript: Bool) -> String {
        guard inScript, let statement else { return "" }
        return "near line \(statement.line): "
    }

    /// Finds the source line that contains `position`, the caret column on it (0-based, in
    /// characters) and the line's 0-based index within the statement.
    ///
    /// The byte offset is preferred. Line and column are the fallback when the offset lies
    /// outside the text.
    static func locate(_ position: SourcePosition, in text: String) -> (String, Int, Int)? {
        let lines = text.splitLines()
        let bytes = Array(text.utf8)
        if position.offset >= 0, position.offset <= bytes.count {
            let before = bytes[..<position.offset]
            let lineIndex = before.count { $0 == 0x0A }
            let lineStart = (before.lastIndex(of: 0x0A) ?? -1) + 1
            let prefix = String(decoding: bytes[lineStart..<position.offset], as: UTF8.self)
            return (lines[lineIndex], prefix.count, lineIndex)
        }
        let lineIndex = position.line - 1
        guard lineIndex >= 0, lineIndex < lines.count else { return nil }
        return (lines[lineIndex], max(0, position.column - 1), lineIndex)
    }
}
