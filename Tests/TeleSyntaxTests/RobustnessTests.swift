// Malformed input must end in a TeleError, never a crash: random token soup and mutations of
// valid statements, from a fixed seed so that a failure repeats.

import Foundation
import Testing
import TeleCore
@testable import TeleSyntax

/// SplitMix64, a small deterministic generator for reproducible random input.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct RobustnessTests {
    private let vocabulary = [
        "SELECT", "FROM", "WHERE", "GROUP", "BY", "ORDER", "LIMIT", "OFFSET", "UNION", "ALL", "JOIN", "ON",
        "USING", "LEFT", "AS", "CASE", "WHEN", "THEN", "ELSE", "END", "NOT", "AND", "OR", "IS", "NULL",
        "IN", "BETWEEN", "LIKE", "EXISTS", "CAST", "INTERVAL", "DATE", "WITH", "VALUES", "INSERT", "INTO",
        "CREATE", "TABLE", "DROP", "EXPLAIN", "COPY", "SET", "(", ")", ",", ";", ".", "*", "+", "-", "/",
        "=", "<>", "::", "||", "[", "]", "ARRAY", "a", "t", "count", "1", "2.5", "'x'", "$1", "\"Q\"",
        "FILTER", "WITHIN", "DISTINCT", "FETCH", "FIRST", "ROWS", "ONLY", "EXTRACT", "TRIM", "BOTH",
    ]

    /// Parses `sql` and fails only when the parser throws something other than a TeleError.
    private func parseWithoutCrash(_ sql: String) {
        do {
            _ = try Parser.parse(sql)
        } catch let error as TeleError {
            if error.state == .syntaxError {
                #expect(error.position != nil, "no position for \(sql): \(error)")
            }
        } catch {
            Issue.record("non-TeleError for \(sql): \(error)")
        }
        _ = Parser.splitStatements(sql)
        _ = Parser.isComplete(sql)
    }

    @Test func randomTokenSequences() {
        var generator = SplitMix64(state: 42)
        for _ in 0..<3_000 {
            let length = Int.random(in: 1...25, using: &generator)
            let words = (0..<length).map { _ in vocabulary.randomElement(using: &generator) ?? "a" }
            parseWithoutCrash(words.joined(separator: " "))
        }
    }

    @Test func mutatedValidStatements() throws {
        let statements = [
            "SELECT a, count(*) FILTER (WHERE b > 1) FROM t JOIN u USING (id) WHERE a IN (1, 2) GROUP BY a ORDER BY 2 DESC LIMIT 3",
            "WITH c AS (SELECT 1 AS n) SELECT CASE WHEN n BETWEEN 0 AND 2 THEN 'x' END FROM c UNION ALL VALUES ('y')",
            "CREATE TABLE IF NOT EXISTS m (ts TIMESTAMP NOT NULL, v DOUBLE PRECISION DEFAULT -1, PRIMARY KEY (ts))",
            "COPY m FROM '/tmp/m.csv' WITH (FORMAT csv, HEADER true)",
            "UPDATE m SET v = v * 2 WHERE ts < DATE '2024-01-01' - INTERVAL '1 day'",
        ]
        var generator = SplitMix64(state: 7)
        for statement in statements {
            let tokens = try Lexer.tokenize(statement).dropLast().map(\.text)
            for _ in 0..<400 {
                var mutated = tokens
                let index = Int.random(in: 0..<mutated.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: mutated.remove(at: index)
                case 1: mutated.insert(vocabulary.randomElement(using: &generator) ?? "(", at: index)
                default: mutated.swapAt(index, Int.random(in: 0..<mutated.count, using: &generator))
                }
                parseWithoutCrash(mutated.joined(separator: " "))
            }
        }
    }

    @Test func randomBytes() {
        var generator = SplitMix64(state: 99)
        let alphabet = Array("SELECT a'\"$;-/*()e\\ 1.\n\u{e9}".utf8)
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...40, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator) ?? 32 }
            parseWithoutCrash(String(decoding: bytes, as: UTF8.self))
        }
    }
}
