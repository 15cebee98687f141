// Parameters for statements other than queries, written into the statement text.
//
// `Session.run` binds `$n` values only in queries; its write path (INSERT, UPDATE, DELETE,
// CREATE TABLE AS) ignores them. So before such a statement runs, each `$n` token is
// replaced by a SQL literal of its value and the text is parsed again. String values become
// standard-conforming string literals ('' doubles a quote, backslashes stay literal), which
// take their type from the context just as an untyped parameter does.
// NOTE: error positions in such a statement point into the substituted text.

import TeleCore
import TeleSyntax

enum ParameterSubstitution {
    /// Returns `text` with every `$n` token replaced by the literal of `parameters[n - 1]`.
    ///
    /// - Throws: 42P02 for a `$n` without a value; 22021 for a string containing a NUL byte,
    ///   which no SQL literal can hold.
    static func substitute(_ parameters: [Value], into text: String) throws -> String {
        let tokens = try Lexer.tokenize(text)
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16 * parameters.count)
        var copied = 0
        for token in tokens where token.kind == .parameter {
            guard let number = Int(token.value), number >= 1, number <= parameters.count else {
                throw TeleError(
                    SQLState("42P02"), "there is no parameter $\(token.value)",
                    hint: "Pass \(token.value) parameter values or renumber the placeholders.", position: token.position)
            }
            let start = token.position.offset
            output.append(contentsOf: bytes[copied..<start])
            output.append(contentsOf: try literal(parameters[number - 1]).utf8)
            copied = start + token.text.utf8.count
        }
        output.append(contentsOf: bytes[copied...])
        return String(decoding: output, as: UTF8.self)
    }

    /// Returns the SQL literal for `value`. The spaces around it keep it from joining a
    /// neighbouring token.
    static func literal(_ value: Value) throws -> String {
        switch value {
        case .null: return " NULL "
        case .boolean(let flag): return flag ? " TRUE " : " FALSE "
        case .integer(let number): return " (\(number)) "
        case .double(let number): return " CAST('\(Value.formatDouble(number))' AS DOUBLE) "
        case .string(let text):
            guard !text.utf8.contains(0) else {
                throw TeleError(
                    SQLState("22021"), "invalid byte sequence for encoding \"UTF8\": 0x00",
                    hint: "Remove NUL characters from the parameter value.")
            }
            return " '" + text.replacingOccurrences(of: "'", with: "''") + "' "
        case .date(let days): return " DATE '\(DateTime.formatDate(days))' "
        case .timestamp(let micros): return " TIMESTAMP '\(DateTime.formatTimestamp(micros))' "
        case .interval(let interval): return " INTERVAL '\(interval.description)' "
        case .histogram(let histogram):
            return " '" + histogram.description.replacingOccurrences(of: "'", with: "''") + "' "
        }
    }
}
