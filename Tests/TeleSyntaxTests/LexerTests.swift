// The lexer: token kinds and values, positions, quoting rules, comments and lexical errors.

import Testing
import TeleCore
@testable import TeleSyntax

@Suite struct LexerTests {
    private func lex(_ sql: String) throws -> [Token] {
        try Lexer.tokenize(sql)
    }

    private func summary(_ sql: String) -> [String] {
        do {
            return try lex(sql).dropLast().map { "\($0.kind):\($0.value)" }
        } catch {
            return ["error: \(error)"]
        }
    }

    @Test(arguments: [
        ("SELECT Foo", ["word:select", "word:foo"]),
        ("\"Foo\"\"x\"", ["quotedIdentifier:Foo\"x"]),
        ("'a''b'", ["string:a'b"]),
        ("E'\\t\\x41\\u00e9\\101\\\\'", ["string:\tAéA\\"]),
        ("e'it\\'s'", ["string:it's"]),
        ("$$a'b$$", ["string:a'b"]),
        ("$fn$x$$y$fn$", ["string:x$$y"]),
        ("$1 $12", ["parameter:1", "parameter:12"]),
        ("12 1.5 .5 1. 1e-3 2.5E+10 3e", ["number:12", "number:1.5", "number:.5", "number:1.",
                                          "number:1e-3", "number:2.5E+10", "number:3", "word:e"]),
        ("a<=b<>c!=d>=e", ["word:a", "symbol:<=", "word:b", "symbol:<>", "word:c", "symbol:!=",
                           "word:d", "symbol:>=", "word:e"]),
        ("|| :: ~ ~* !~ !~* % ;", ["symbol:||", "symbol:::", "symbol:~", "symbol:~*", "symbol:!~",
                                  "symbol:!~*", "symbol:%", "symbol:;"]),
        ("a -- comment\nb", ["word:a", "word:b"]),
        ("a /* x /* nested */ y */ b", ["word:a", "word:b"]),
        ("1-1", ["number:1", "symbol:-", "number:1"]),
        ("t.a", ["word:t", "symbol:.", "word:a"]),
        ("abc$d _x9", ["word:abc$d", "word:_x9"]),
        ("ÉTÉ", ["word:ÉtÉ"]),
    ])
    func tokens(sql: String, expected: [String]) {
        #expect(summary(sql) == expected)
    }

    @Test func positionsCountLinesAndCharacters() throws {
        let tokens = try lex("SELECT a,\n  'é' || b\n/* x\n */ c")
        let positions = tokens.map { "\($0.text)@\($0.position.offset):\($0.position.line):\($0.position.column)" }
        #expect(positions == [
            "SELECT@0:1:1", "a@7:1:8", ",@8:1:9", "'é'@12:2:3", "||@17:2:7", "b@20:2:10",
            "c@31:4:5", "@32:4:6",
        ])
    }

    @Test func tokenTextKeepsSpelling() throws {
        let tokens = try lex("FoRm \"Q\"")
        #expect(tokens[0].text == "FoRm")
        #expect(tokens[0].value == "form")
        #expect(tokens[1].text == "\"Q\"")
    }

    @Test(arguments: [
        ("SELECT 'abc", "unterminated quoted string at or near \"'\"", 1, 8),
        ("SELECT\n  \"abc", "unterminated quoted identifier at or near \"\"\"", 2, 3),
        ("SELECT E'abc\\'", "unterminated quoted string at or near \"'\"", 1, 8),
        ("SELECT 1 /* a /* b */", "unterminated /* comment at or near \"/*\"", 1, 10),
        ("SELECT $x$abc", "unterminated dollar-quoted string at or near \"$x$\"", 1, 8),
        ("SELECT \"\"", "zero-length delimited identifier at or near \"\"\"\"", 1, 8),
        ("SELECT a ? b", "syntax error at or near \"?\"", 1, 10),
        ("SELECT E'\\u12'", "invalid Unicode escape at or near \"\\u\"", 1, 11),
    ])
    func lexicalErrors(sql: String, message: String, line: Int, column: Int) {
        do {
            _ = try lex(sql)
            Issue.record("expected an error for \(sql)")
        } catch let error as TeleError {
            #expect(error.state == .syntaxError)
            #expect(error.message == message)
            #expect(error.position?.line == line)
            #expect(error.position?.column == column)
            #expect(error.hint != nil || error.message.hasPrefix("syntax error"))
        } catch {
            Issue.record("unexpected error type: \(error)")
        }
    }
}
