// Syntax errors name the offending token as written, with its line and column, and give a
// hint where the expected token is clear. Deep nesting fails with 54001 instead of crashing.

import Testing
import TeleCore
@testable import TeleSyntax

@Suite struct SyntaxErrorTests {
    @Test(arguments: [
        ("SELECT a FORM t", "syntax error at or near \"FORM\"", 1, 10),
        ("SELECT a,\n  FROM t", "syntax error at or near \"FROM\"", 2, 3),
        ("SELECT (1 + 2", "syntax error at end of input", 1, 14),
        ("SELECT 1 +", "syntax error at end of input", 1, 11),
        ("SELEC 1", "syntax error at or near \"SELEC\"", 1, 1),
        ("SELECT * FROM t WHERE", "syntax error at end of input", 1, 22),
        ("SELECT * FROM t LIMIT", "syntax error at end of input", 1, 22),
        ("SELECT a b c FROM t", "syntax error at or near \"c\"", 1, 12),
        ("SELECT select", "syntax error at or near \"select\"", 1, 8),
        ("SELECT 1 2", "syntax error at or near \"2\"", 1, 10),
        ("SELECT CAST(a INT)", "syntax error at or near \"INT\"", 1, 15),
        ("SELECT a IS 5", "syntax error at or near \"5\"", 1, 13),
        ("CREATE TABLE t (a)", "syntax error at or near \")\"", 1, 18),
        ("INSERT t VALUES (1)", "syntax error at or near \"t\"", 1, 8),
        ("DROP SCHEMA s", "syntax error at or near \"SCHEMA\"", 1, 6),
        ("SELECT 1; SELECT 2 3", "syntax error at or near \"3\"", 1, 20),
        ("SELECT CASE END", "syntax error at or near \"END\"", 1, 13),
        ("SELECT $0", "invalid parameter number at or near \"$0\"", 1, 8),
        ("SELECT 'a' 'b'", "syntax error at or near \"'b'\"", 1, 12),
    ])
    func messageAndPosition(sql: String, message: String, line: Int, column: Int) {
        guard let error = parseError(sql) else {
            Issue.record("expected an error for \(sql)")
            return
        }
        #expect(error.state == .syntaxError)
        #expect(error.message == message)
        #expect(error.position?.line == line)
        #expect(error.position?.column == column)
    }

    @Test(arguments: [
        ("SELECT (1 + 2", "Expected \")\"."),
        ("CREATE VIEW v SELECT 1", "Expected AS."),
        ("SELECT a FROM t ORDER a", "Expected BY."),
        ("SELECT a FROM t1 JOIN t2", "Expected ON or USING after the joined table."),
        ("UPDATE t a = 1", "Expected SET."),
        ("COPY t FROM x", "Write the file path as a string, such as COPY t FROM '/data/t.csv'."),
        ("SELECT 1 2", "Separate statements with a semicolon."),
    ])
    func hintNamesExpectedToken(sql: String, hint: String) {
        #expect(parseError(sql)?.hint == hint)
    }

    @Test func descriptionShowsPosition() {
        let error = parseError("SELECT a FORM t")
        #expect(error?.description == """
            ERROR 42601: syntax error at or near "FORM" at line 1, column 10
            HINT: Did you mean FROM?
            """)
    }

    @Test(arguments: [
        "SELECT * FROM t, LATERAL (SELECT 1) s",
        "SELECT DISTINCT ON (a) a FROM t",
        "SELECT row_number() OVER () FROM t",
        "SELECT (1, 2)",
        "SELECT a[1:2] FROM t",
        "SELECT * FROM t x (a, b)",
        "UPDATE t SET a = 1 FROM u",
        "DROP TABLE t CASCADE",
        "UPDATE t SET a = 1 RETURNING a",
        "DELETE FROM t RETURNING a",
    ])
    func unsupportedFeatures(sql: String) {
        let error = parseError(sql)
        #expect(error?.state == .featureNotSupported, "\(sql): \(String(describing: error))")
        #expect(error?.position != nil)
    }
}

@Suite struct NestingLimitTests {
    private func nestedParentheses(_ depth: Int) -> String {
        "SELECT " + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
    }

    @Test func thousandParenthesesParse() throws {
        let statements = try Parser.parse(nestedParentheses(1_000))
        #expect(statements.count == 1)
    }

    @Test(arguments: [1_001, 5_000, 100_000])
    func deeperParenthesesFail(depth: Int) {
        let error = parseError(nestedParentheses(depth))
        #expect(error?.state == .statementTooComplex)
        #expect(error?.message == "statement is too deeply nested")
    }

    @Test(arguments: [1_000, 5_000])
    func nestedSubqueries(depth: Int) {
        let sql = "SELECT " + String(repeating: "(SELECT ", count: depth) + "1" + String(repeating: ")", count: depth)
        let error = parseError(sql)
        if depth <= Parser.maximumNestingDepth {
            #expect(error == nil)
        } else {
            #expect(error?.state == .statementTooComplex)
        }
    }

    @Test(arguments: [1_000, 5_000])
    func nestedDerivedTables(depth: Int) {
        let sql = "SELECT * FROM " + String(repeating: "(SELECT * FROM ", count: depth) + "t"
            + String(repeating: ") s", count: depth)
        let error = parseError(sql)
        if depth <= Parser.maximumNestingDepth {
            #expect(error == nil)
        } else {
            #expect(error?.state == .statementTooComplex)
        }
    }

    @Test func nestedCaseWithoutParentheses() {
        let sql = "SELECT " + String(repeating: "CASE WHEN a THEN ", count: 5_000) + "1"
            + String(repeating: " END", count: 5_000)
        #expect(parseError(sql)?.state == .statementTooComplex)
    }

    @Test func manyPrefixOperators() throws {
        let nots = "SELECT " + String(repeating: "NOT ", count: 10_000) + "true"
        #expect(try Parser.parse(nots).count == 1)
        let minuses = "SELECT " + String(repeating: "- ", count: 10_000) + "a"
        #expect(try Parser.parse(minuses).count == 1)
    }

    @Test func longArithmeticChainFails() {
        let sql = "SELECT " + (0..<5_000).map(String.init).joined(separator: " + ")
        #expect(parseError(sql)?.state == .statementTooComplex)
    }

    @Test func deepExpressionThroughParseExpression() {
        let sql = String(repeating: "(", count: 5_000) + "1" + String(repeating: ")", count: 5_000)
        #expect(throws: TeleError.self) { try Parser.parseExpression(sql) }
    }
}

@Suite struct MisspelledKeywordTests {
    @Test(arguments: [
        ("SELECT a FORM t", "FORM", 10, "Did you mean FROM?"),
        ("SELECT * FROM t WHER a = 1", "WHER", 17, "Did you mean WHERE?"),
        ("SELECT * FROM t ORDR BY a", "ORDR", 17, "Did you mean ORDER?"),
    ])
    func errorPointsAtMisspelling(sql: String, word: String, column: Int, hint: String) {
        let error = parseError(sql)
        #expect(error?.message == "syntax error at or near \"\(word)\"")
        #expect(error?.position?.column == column)
        #expect(error?.hint == hint)
    }

    @Test func bareAliasStillWorks() throws {
        let core = try parseCore("SELECT a form FROM t fro WHERE true")
        guard case .expression(_, let alias) = core.items.first, case .table(_, let tableAlias, _) = core.from.first else {
            Issue.record("expected an aliased item and table")
            return
        }
        #expect(alias == "form")
        #expect(tableAlias == "fro")
    }
}

@Suite struct KeywordHintTests {
    @Test(arguments: [
        ("SELEC 1", "Did you mean SELECT?"),
        ("SELECT a FROM t WHERE a = 1 ORDR BY a", "Did you mean ORDER?"),
        ("INSRT INTO t VALUES (1)", "Did you mean INSERT?"),
    ])
    func misspelledKeywordHint(sql: String, hint: String) {
        #expect(parseError(sql)?.hint == hint)
    }

    @Test func explainOfExplainIsError() {
        let error = parseError("EXPLAIN EXPLAIN SELECT 1")
        #expect(error?.state == .syntaxError)
        #expect(error?.position?.column == 9)
    }
}
