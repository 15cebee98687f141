// The SAMPLE clause of a table reference: its syntax tree node and its parser.
//
//     FROM pings SAMPLE 10 PERCENT BY client_id
//     FROM pings AS p SAMPLE 0.5 PERCENT REPEATABLE (7)
//     FROM pings SAMPLE 5000 ROWS REPEATABLE (7)
//
// `SAMPLE` stays an ordinary word: it starts a sample clause only when a number follows it,
// so `FROM t sample` still names an alias called `sample`.

import TeleCore

/// A `SAMPLE` clause on one table.
public struct SampleClause: Sendable, Equatable {
    public enum Size: Sendable, Equatable {
        /// `SAMPLE n PERCENT`, with `0 < n <= 100`.
        case percent(Double)
        /// `SAMPLE n ROWS`, with `n >= 0`.
        case rows(Int64)
    }

    public var size: Size
    /// The column named by `BY`: rows are kept or dropped together per value of it.
    public var byColumn: String?
    /// The `REPEATABLE (seed)` value; nil picks the seed 0, so a query without it is also
    /// deterministic.
    public var seed: Int64?
    public var position: SourcePosition

    public init(size: Size, byColumn: String? = nil, seed: Int64? = nil, position: SourcePosition) {
        self.size = size
        self.byColumn = byColumn
        self.seed = seed
        self.position = position
    }
}

extension SyntaxParser {
    /// Parses `SAMPLE n PERCENT [BY column] [REPEATABLE (seed)]` or `SAMPLE n ROWS
    /// [REPEATABLE (seed)]`, or returns nil when the next tokens do not start one.
    mutating func parseSampleClause() throws -> SampleClause? {
        guard current.isWord("sample"), peek().kind == .number else { return nil }
        let at = current.position
        advance()
        let numberToken = advance()
        let size: SampleClause.Size
        if consumeWord("percent") {
            guard let percent = Double(numberToken.value), percent > 0, percent <= 100 else {
                throw TeleError.syntax(
                    "sample percentage \(numberToken.text) is out of range", at: numberToken.position,
                    hint: "Give a percentage greater than 0 and at most 100.")
            }
            size = .percent(percent)
        } else if consumeWord("rows") {
            guard let rows = Int64(numberToken.value) else {
                throw TeleError.syntax(
                    "sample row count \(numberToken.text) is not a whole number", at: numberToken.position,
                    hint: "Give a whole number of rows such as SAMPLE 5000 ROWS.")
            }
            size = .rows(rows)
        } else {
            throw unexpected(hint: "Expected PERCENT or ROWS after the sample size.")
        }

        var byColumn: String?
        if consumeWord("by") {
            guard case .percent = size else {
                throw notSupported(
                    "SAMPLE ... ROWS BY is not supported", hint: "Sample by a column with SAMPLE n PERCENT BY column.")
            }
            byColumn = try parseIdentifier(allowKeywords: true, expected: "a column name")
        }
        var seed: Int64?
        if consumeWord("repeatable") {
            try expectSymbol("(")
            let negative = consumeSymbol("-")
            let seedToken = advance()
            guard seedToken.kind == .number, let value = Int64((negative ? "-" : "") + seedToken.value) else {
                throw TeleError.syntax(
                    "sample seed \(seedToken.text) is not a whole number", at: seedToken.position,
                    hint: "Write REPEATABLE (42) with an integer seed.")
            }
            seed = value
            try expectSymbol(")")
        }
        return SampleClause(size: size, byColumn: byColumn, seed: seed, position: at)
    }
}
