// Type names as written in CAST, `::` and column definitions: one or more words with
// optional integer modifiers, such as `VARCHAR(20)`, `NUMERIC(10, 2)`, `DOUBLE PRECISION`
// and `TIMESTAMP(3) WITH TIME ZONE`. The binder maps the name to a `DataType`.

import TeleCore

extension SyntaxParser {
    mutating func parseTypeName() throws -> TypeName {
        let at = current.position
        guard current.kind == .word || current.kind == .quotedIdentifier else {
            throw unexpected(hint: "Expected a type name such as INTEGER or TEXT.")
        }
        // `pg_catalog.text` names the same type as `text`.
        if current.isWord("pg_catalog"), peek().isSymbol("."), peek(2).kind == .word || peek(2).kind == .quotedIdentifier {
            advance()
            advance()
        }
        let first = advance().value
        var words = [first]
        switch first {
        case "double":
            if consumeWord("precision") { words.append("precision") }
        case "character", "char", "national", "bit":
            if first == "national", consumeWord("character") { words.append("character") }
            if consumeWord("varying") { words.append("varying") }
        default:
            break
        }
        var modifiers: [Int64] = []
        if current.isSymbol("(") {
            modifiers = try parseTypeModifiers()
        }
        if first == "time" || first == "timestamp" {
            if current.isWord("with") || current.isWord("without"),
                peek().isWord("time"), peek(2).isWord("zone")
            {
                words.append(advance().value)
                advance()
                advance()
                words.append(contentsOf: ["time", "zone"])
            }
        }
        if first == "float" && words.count == 1 {
            words = [try floatTypeName(precision: modifiers, at: at)]
            modifiers = []
        }
        var name = words.joined(separator: " ")
        // An array type such as `oid[]` keeps its brackets in the name; the binder maps it.
        while current.isSymbol("["), peek().isSymbol("]") {
            advance()
            advance()
            name += "[]"
        }
        return TypeName(name: name, modifiers: modifiers, position: at)
    }

    /// Maps SQL's `float(p)` to `float4` or `float8` by its precision in binary digits.
    ///
    /// As in PostgreSQL 15, `float` alone is `float8`, p from 1 to 24 selects `float4` and
    /// p from 25 to 53 selects `float8`.
    private func floatTypeName(precision modifiers: [Int64], at position: SourcePosition) throws -> String {
        guard let precision = modifiers.first else { return "float8" }
        guard modifiers.count == 1 else {
            throw TeleError(
                .syntaxError, "type float takes one precision, not \(modifiers.count)",
                hint: "Write float(p) with p from 1 to 53.", position: position)
        }
        guard precision >= 1 else {
            throw TeleError(
                .invalidParameterValue, "precision for type float must be at least 1 bit: \(precision)",
                hint: "Write float(p) with p from 1 to 53.", position: position)
        }
        guard precision <= 53 else {
            throw TeleError(
                .invalidParameterValue, "precision for type float must be less than 54 bits: \(precision)",
                hint: "Write float(p) with p from 1 to 53.", position: position)
        }
        return precision <= 24 ? "float4" : "float8"
    }

    /// Parses `(n [, n ...])` after a type name.
    private mutating func parseTypeModifiers() throws -> [Int64] {
        try expectSymbol("(")
        var modifiers: [Int64] = []
        repeat {
            let negative = consumeSymbol("-")
            guard current.kind == .number, let value = Int64(current.value) else {
                throw unexpected(hint: "Write integer type modifiers, such as VARCHAR(20).")
            }
            advance()
            modifiers.append(negative ? -value : value)
        } while consumeSymbol(",")
        try expectSymbol(")")
        return modifiers
    }
}
