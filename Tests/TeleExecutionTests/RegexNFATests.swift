// Tests of the linear-time regular expression matcher behind ~ ~* !~ !~*. They cover a table
// of PostgreSQL-style cases and random patterns checked against Swift's Regex as an
// independent oracle. They also cover patterns that make a backtracking matcher exponential,
// NULLs, vector layouts, cancellation and the errors with their SQLSTATEs.

import Foundation
import TeleCore
import Testing

@testable import TeleExecution

/// Returns whether `pattern` matches anywhere in `text`.
private func regexMatches(_ pattern: String, _ text: String, caseInsensitive: Bool = false) throws -> Bool {
    var matcher = try RegexNFA(pattern, caseInsensitive: caseInsensitive).makeMatcher()
    var text = text
    return try text.withUTF8 { try matcher.matches($0) }
}

/// Returns the SQLSTATE that compiling `pattern` raises, or nil when it compiles.
private func compileError(_ pattern: String) -> String? {
    do {
        _ = try RegexNFA(pattern, caseInsensitive: false)
        return nil
    } catch let error as TeleError {
        return error.state.code
    } catch {
        return "not a TeleError: \(error)"
    }
}

/// A small deterministic generator (SplitMix64), so a failing random case repeats.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

@Suite struct RegexNFATests {
    static let cases: [(pattern: String, text: String, expected: Bool)] = [
        ("abc", "xxabcxx", true),
        ("abc", "abx", false),
        ("", "anything", true),
        ("", "", true),
        ("^abc$", "abc", true),
        ("^abc$", "abcd", false),
        ("^$", "", true),
        ("^$", "a", false),
        ("a.c", "abc", true),
        ("a.c", "ac", false),
        ("a.c", "a\nc", true),
        ("a|b|c", "zzc", true),
        ("^(ab|cd)$", "cd", true),
        ("^(ab|cd)$", "abcd", false),
        ("^(?:ab)+$", "ababab", true),
        ("^(?:ab)+$", "ababa", false),
        ("^a*$", "", true),
        ("^a+$", "", false),
        ("^colou?r$", "color", true),
        ("^colou?r$", "colour", true),
        ("^a{3}$", "aaa", true),
        ("^a{3}$", "aa", false),
        ("^a{2,}$", "aaaaa", true),
        ("^a{2,}$", "a", false),
        ("^a{2,3}$", "aaaa", false),
        ("^a{2,3}$", "aaa", true),
        ("^a{0}b$", "b", true),
        ("^(a|b){2,3}?c$", "abc", true),
        ("^a*?b+?$", "aabb", true),
        ("^[abc]+$", "abcabc", true),
        ("^[abc]+$", "abcd", false),
        ("^[^a-z]+$", "ABC123", true),
        ("^[^a-z]+$", "ABc", false),
        ("^[]a]+$", "]a]", true),
        ("^[^]a]+$", "bcd", true),
        ("^[^]a]+$", "b]", false),
        ("^[a-]+$", "a-a", true),
        ("^[\\]x]+$", "]x", true),
        ("^[[:alpha:]]+$", "héllo", true),
        ("^[[:digit:]]+$", "2024", true),
        ("^[[:digit:]]+$", "20a4", false),
        ("^[[:space:]]+$", " \t\n", true),
        ("^[[:upper:]]+$", "ABC", true),
        ("^[[:upper:]]+$", "AbC", false),
        ("^[[:lower:]]+$", "abc", true),
        ("^[[:alnum:]_]+$", "a_1", true),
        ("^[[:punct:]]+$", "!?.,", true),
        ("^[[:punct:]]+$", "!a", false),
        ("^[[.a.][=b=]]+$", "ab", true),
        ("^\\d+$", "123", true),
        ("^\\D+$", "a1", false),
        ("^\\w+$", "ab_9", true),
        ("^\\W+$", "!-", true),
        ("^\\s+$", " \t", true),
        ("^\\S+$", "a b", false),
        ("^[\\d\\s]+$", "1 2", true),
        ("^\\.\\\\\\(\\[$", ".\\([", true),
        ("^a\\nb\\tc$", "a\nb\tc", true),
        ("^\\x41\\u00e9$", "Aé", true),
        ("\\mfoo\\M", "a foo b", true),
        ("\\mfoo\\M", "afoo b", false),
        ("\\yfoo\\y", "foo", true),
        ("\\yfoo\\y", "foobar", false),
        ("o\\Yo", "foo", true),
        ("\\Aab\\Z", "ab", true),
        ("^é.$", "éü", true),
        ("^.$", "🙂", true),
        ("^[🙂-🙃]$", "🙃", true),
        ("a{", "a{", true),
        ("***=a.b", "a.b", true),
        ("***=a.b", "axb", false),
        ("***:^ab$", "ab", true),
        ("^(a|)b$", "b", true),
        ("^()*b$", "b", true),
        ("^(a*)*b$", "aab", true),
        ("^(a*)+$", "", true),
        ("(^)?a", "ba", true),
        ("^(\\y)+a$", "a", true),
        ("^a\\Bb$", "a\\b", true),
        ("^[[:alnum:]]$", "٣", true),
        ("^\\w$", "٣", true),
        ("^[[:digit:]]$", "٣", false),
        ("^\\d$", "٣", false),
        ("^\\s$", "\u{A0}", false),
        ("^\\s$", "\u{3000}", true),
        ("^[[:punct:]]$", "²", true),
        ("^[[:blank:]]$", "\u{2007}", false),
        ("\\mfoo", "afoo", false),
        ("\\mfoo", "éfoo", false),
        ("\\mfoo", "€foo", true),
        ("\\mfoo", "afoo foo", true),
        ("x[0-9]$", "abcx1x22x3", true),
        ("x[0-9]$", "abcx1x22x", false),
        ("é+b", "aaééb", true),
    ]

    @Test func caseTable() throws {
        for entry in Self.cases {
            let found = try regexMatches(entry.pattern, entry.text)
            #expect(found == entry.expected, "\(entry.pattern) against \(entry.text.debugDescription)")
        }
    }

    @Test func psqlPatterns() throws {
        #expect(try regexMatches("^(pings)$", "pings"))
        #expect(try !regexMatches("^(pings)$", "pings2"))
        #expect(try regexMatches("^(pg_catalog)$", "pg_catalog"))
        #expect(try !regexMatches("^(pg_catalog)$", "information_schema"))
        #expect(try regexMatches("^(t.*)$", "telemetry"))
        #expect(try !regexMatches("^(t.*)$", "hosts"))
    }

    @Test func caseInsensitiveMatching() throws {
        #expect(try regexMatches("^abc$", "ABC", caseInsensitive: true))
        #expect(try regexMatches("^ABC$", "abc", caseInsensitive: true))
        #expect(try regexMatches("^[A-C]+$", "abc", caseInsensitive: true))
        #expect(try regexMatches("^[a-c]+$", "ABC", caseInsensitive: true))
        #expect(try !regexMatches("^[^a-z]$", "Q", caseInsensitive: true))
        #expect(try regexMatches("^[[:upper:]]+$", "abc", caseInsensitive: true))
        #expect(try regexMatches("^ÉTÉ$", "été", caseInsensitive: true))
        #expect(try !regexMatches("^abc$", "ABC", caseInsensitive: false))
        #expect(try regexMatches("(?i)^abc$", "ABC", caseInsensitive: false))
        #expect(try !regexMatches("(?c)^abc$", "ABC", caseInsensitive: true))
        #expect(try regexMatches("xyz", "aaXYZ", caseInsensitive: true))
        #expect(try regexMatches("[x-z]z", "aaXZ", caseInsensitive: true))
        #expect(try regexMatches("k", "\u{212A}", caseInsensitive: true))
    }

    @Test func newlineSensitiveOptions() throws {
        #expect(try !regexMatches("^b", "a\nb"))
        #expect(try regexMatches("(?n)^b", "a\nb"))
        #expect(try regexMatches("(?n)a$", "a\nb"))
        #expect(try !regexMatches("(?n)a.b", "a\nb"))
        #expect(try !regexMatches("(?n)a[^x]b", "a\nb"))
        #expect(try !regexMatches("(?n)\\Ab", "a\nb"))
        #expect(try !regexMatches("(?p)^b", "a\nb"))
        #expect(try !regexMatches("(?p)a.b", "a\nb"))
        #expect(try regexMatches("(?w)^b", "a\nb"))
        #expect(try regexMatches("(?w)a.b", "a\nb"))
        #expect(try !regexMatches("(?ns)^b", "a\nb"))
    }

    /// Random patterns over {a, b} against Swift's Regex, which is an independent
    /// backtracking implementation of the same syntax for this subset.
    @Test func randomPatternsAgreeWithSwiftRegex() throws {
        var generator = SplitMix64(state: 0x7E1E_DB00)
        var compared = 0
        for _ in 0..<400 {
            let pattern = randomPattern(depth: 3, using: &generator)
            let regex = try Regex(pattern)
            for _ in 0..<6 {
                let length = Int.random(in: 0...6, using: &generator)
                let text = String((0..<length).map { _ in Bool.random(using: &generator) ? "a" : "b" })
                let expected = try regex.firstMatch(in: text) != nil
                let found = try regexMatches(pattern, text)
                #expect(found == expected, "\(pattern) against \(text.debugDescription)")
                compared += 1
            }
        }
        #expect(compared == 2400)
    }

    private func randomPattern(depth: Int, using generator: inout SplitMix64) -> String {
        let atoms = ["a", "b", ".", "[ab]", "[^a]", "[a-b]"]
        var pattern = ""
        if depth == 3 && Int.random(in: 0..<4, using: &generator) == 0 { pattern += "^" }
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
            var atom: String
            var quantifiers = ["", "", "*", "+", "?", "{2}", "{1,2}", "{0,}", "*?", "+?"]
            if depth > 0 && Int.random(in: 0..<3, using: &generator) == 0 {
                atom = "(" + randomPattern(depth: depth - 1, using: &generator)
                if Bool.random(using: &generator) { atom += "|" + randomPattern(depth: depth - 1, using: &generator) }
                atom += ")"
                // Unbounded quantifiers on groups can make the backtracking oracle itself
                // take minutes, which is the very problem the NFA solves.
                quantifiers = ["", "", "?", "{2}", "{1,2}", "??"]
            } else {
                atom = atoms[Int.random(in: 0..<atoms.count, using: &generator)]
            }
            pattern += atom + quantifiers[Int.random(in: 0..<quantifiers.count, using: &generator)]
        }
        if depth == 3 && Int.random(in: 0..<4, using: &generator) == 0 { pattern += "$" }
        return pattern
    }

    /// These patterns take exponential time in a backtracking matcher. Here they only have
    /// to finish within the test run.
    @Test func nestedQuantifiersFinish() throws {
        let text = String(repeating: "a", count: 10_000)
        #expect(try !regexMatches("^(a+)+b$", text))
        #expect(try !regexMatches("(a*)*b", text))
        #expect(try !regexMatches("^(a|a)*c$", text))
        #expect(try !regexMatches("(x+x+)+y", String(repeating: "x", count: 10_000)))
        #expect(try regexMatches("^(a+)+$", text))
    }

    @Test func largeBoundsWithinLimit() throws {
        #expect(try regexMatches("^a{255}$", String(repeating: "a", count: 255)))
        #expect(try !regexMatches("^a{255}$", String(repeating: "a", count: 254)))
        #expect(try regexMatches("^(a{2}){100}$", String(repeating: "a", count: 200)))
    }

    @Test func errorStates() {
        let cases: [(pattern: String, state: String)] = [
            ("(", "2201B"),
            ("a)", "2201B"),
            ("[abc", "2201B"),
            ("a\\", "2201B"),
            ("*a", "2201B"),
            ("a**", "2201B"),
            ("a{3", "2201B"),
            ("a{3,2}", "2201B"),
            ("a{256}", "2201B"),
            ("[z-a]", "2201B"),
            ("[[:nope:]]", "2201B"),
            ("\\q", "2201B"),
            ("^*", "2201B"),
            ("((((a{200}){200}){200}))", "2201B"),
            (String(repeating: "(", count: 200) + String(repeating: ")", count: 200), "2201B"),
            ("(a)\\1", "0A000"),
            ("a(?=b)", "0A000"),
            ("a(?!b)", "0A000"),
            ("(?<=a)b", "0A000"),
            ("(?x)a b", "0A000"),
            ("(?q)a", "0A000"),
        ]
        for entry in cases {
            #expect(compileError(entry.pattern) == entry.state, "pattern \(entry.pattern.debugDescription)")
        }
    }

    @Test func tooComplexMessage() throws {
        let error = try #require(throws: TeleError.self) { try RegexNFA("((a{200}){200}){3}", caseInsensitive: false) }
        #expect(error.state.code == "2201B")
        #expect(error.message == "regular expression is too complex")
    }

    @Test func invalidPatternMessage() throws {
        let error = try #require(throws: TeleError.self) { try RegexNFA("ab(c", caseInsensitive: false) }
        #expect(error.message == "invalid regular expression: parentheses () not balanced")
        #expect(error.detail?.contains("\"ab(c\"") == true)
    }

    @Test func operatorsOverColumns() throws {
        let strings = Vector.string(StringColumn(["pings", "hosts", "", "PINGS"]))
        var validity = ValidityMask()
        validity.set(2, valid: false, count: 4)
        let withNull = Vector(type: .varchar, storage: strings.storage, validity: validity, count: 4)
        let pattern = Vector.constant(.string("^p"), type: .varchar, count: 4)

        let plain = try regexMatch([withNull, pattern], count: 4, caseInsensitive: false, negated: false)
        #expect((0..<4).map { plain.value(at: $0) } == [.boolean(true), .boolean(false), .null, .boolean(false)])

        let folded = try regexMatch([withNull, pattern], count: 4, caseInsensitive: true, negated: true)
        #expect((0..<4).map { folded.value(at: $0) } == [.boolean(false), .boolean(true), .null, .boolean(false)])

        let dictionary = dictionaryVector(["pings", nil, "hosts", "pings"])
        let fromDictionary = try regexMatch([dictionary, pattern], count: 4, caseInsensitive: false, negated: false)
        #expect((0..<4).map { fromDictionary.value(at: $0) } == [.boolean(true), .null, .boolean(false), .boolean(true)])
    }

    @Test func dictionaryLargerThanChunk() throws {
        let dictionary = StringColumn(["pings", "hosts", "events", "metrics", "probes"])
        let input = Vector(type: .varchar, storage: .dictionary(codes: [4, 0], dictionary: dictionary), count: 2)
        let pattern = Vector.constant(.string("^p"), type: .varchar, count: 2)
        let result = try regexMatch([input, pattern], count: 2, caseInsensitive: false, negated: false)
        #expect(result.value(at: 0) == .boolean(true))
        #expect(result.value(at: 1) == .boolean(true))
        let negated = try regexMatch([input, pattern], count: 2, caseInsensitive: false, negated: true)
        #expect(negated.value(at: 0) == .boolean(false))
    }

    @Test func patternPerRow() throws {
        let texts = Vector.string(StringColumn(["abc", "abc", "abc"]))
        let patterns = Vector.string(StringColumn(["^a", "^b", "^a"]))
        let result = try regexMatch([texts, patterns], count: 3, caseInsensitive: false, negated: false)
        #expect((0..<3).map { result.value(at: $0) } == [.boolean(true), .boolean(false), .boolean(true)])
    }

    /// Twenty distinct patterns of about 62,000 states each pass the cache's state budget,
    /// so the cache is emptied part way and the later rows still match correctly.
    @Test func patternPerRowBeyondCacheBudget() throws {
        let rows = 20
        let texts = Vector.string(StringColumn((0..<rows).map { "x\($0 % 2 == 0 ? $0 : 99)" }))
        let patterns = Vector.string(StringColumn((0..<rows).map { "(a{250}){0,250}x\($0)$" }))
        let result = try regexMatch([texts, patterns], count: rows, caseInsensitive: false, negated: false)
        let expected = (0..<rows).map { Value.boolean($0 % 2 == 0) }
        #expect((0..<rows).map { result.value(at: $0) } == expected)
    }

    @Test func nullOperands() throws {
        let nullText = Vector.constant(.null, type: .varchar, count: 2)
        let invalidPattern = Vector.constant(.string("("), type: .varchar, count: 2)
        let fromNullText = try regexMatch([nullText, invalidPattern], count: 2, caseInsensitive: false, negated: false)
        #expect(fromNullText.value(at: 0) == .null)

        let text = Vector.constant(.string("abc"), type: .varchar, count: 2)
        let nullPattern = Vector.constant(.null, type: .varchar, count: 2)
        let fromNullPattern = try regexMatch([text, nullPattern], count: 2, caseInsensitive: false, negated: true)
        #expect(fromNullPattern.value(at: 1) == .null)
    }

    @Test func cancellationStopsLongMatch() throws {
        final class AlwaysCancelled: QueryCancellation, @unchecked Sendable {
            func checkCancelled() throws { throw TeleError(SQLState("57014"), "canceling statement due to user request") }
        }
        let text = String(repeating: "a", count: 300_000)
        let error = try #require(throws: TeleError.self) {
            try Interruption.run(AlwaysCancelled()) { try regexMatches("(a|aa)*b", text) }
        }
        #expect(error.state.code == "57014")
    }
}
