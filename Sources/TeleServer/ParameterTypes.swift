// The parameters of a statement text: how many `$n` placeholders it has, and the type of
// each one that a cast names (`$1::int`, `CAST($2 AS date)`).
//
// ParameterDescription needs a type per parameter before any value is bound. Parameters
// without a cast get their type from `Session.inferredParameterTypes(of:)`, which reads the
// columns they meet.

import TeleCore
import TeleSyntax

enum ParameterTypes {
    /// PostgreSQL's limit on parameters per statement, from the Bind message's Int16 count.
    static let maxParameters = 65_535

    /// Returns one type OID per parameter, `$1` first; 0 where no cast names the type.
    ///
    /// - Throws: The lexer's syntax error, or 54000-class error past `maxParameters`.
    static func infer(in text: String) throws -> [Int32] {
        let tokens = try Lexer.tokenize(text)
        var types: [Int32] = []
        for (index, token) in tokens.enumerated() where token.kind == .parameter {
            guard let number = Int(token.value), number >= 1 else { continue }
            guard number <= maxParameters else {
                throw TeleError(
                    .statementTooComplex, "too many parameters: $\(number)",
                    hint: "Use at most \(maxParameters) parameters in one statement.", position: token.position)
            }
            if types.count < number { types.append(contentsOf: repeatElement(0, count: number - types.count)) }
            if let type = castType(after: index, in: tokens) ?? castFunctionType(around: index, in: tokens) {
                types[number - 1] = PostgresType.oid(for: type)
            }
        }
        return types
    }

    /// Reads the type in `$n::type`.
    private static func castType(after index: Int, in tokens: [Token]) -> DataType? {
        guard index + 2 < tokens.count, tokens[index + 1].isSymbol("::") else { return nil }
        return typeName(at: index + 2, in: tokens)
    }

    /// Reads the type in `CAST($n AS type)`.
    private static func castFunctionType(around index: Int, in tokens: [Token]) -> DataType? {
        guard index >= 2, index + 2 < tokens.count, tokens[index - 2].isWord("cast"), tokens[index - 1].isSymbol("("),
            tokens[index + 1].isWord("as")
        else { return nil }
        return typeName(at: index + 2, in: tokens)
    }

    /// Reads a type name of up to four words, such as `timestamp with time zone`.
    private static func typeName(at start: Int, in tokens: [Token]) -> DataType? {
        var words: [String] = []
        var index = start
        while index < tokens.count, tokens[index].kind == .word, words.count < 4 {
            words.append(tokens[index].value)
            index += 1
        }
        for length in stride(from: words.count, through: 1, by: -1) {
            if let type = DataType.named(words.prefix(length).joined(separator: " ")) { return type }
        }
        return nil
    }
}
