// Expression parsing: precedence and associativity as in PostgreSQL, and every expression form.

import Testing
import TeleCore
@testable import TeleSyntax

@Suite struct ExpressionPrecedenceTests {
    @Test(arguments: [
        ("1 + 2 * 3", "(1 + (2 * 3))"),
        ("1 * 2 + 3", "((1 * 2) + 3)"),
        ("1 - 2 - 3", "((1 - 2) - 3)"),
        ("8 / 4 % 3", "((8 / 4) % 3)"),
        ("-a * b", "((-a) * b)"),
        ("- 2 ::int", "(-CAST(2 AS int))"),
        ("-2", "-2"),
        ("- 2.5", "#-2.5"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("9223372036854775808", "#9223372036854775808"),
        ("+a", "(+a)"),
        ("a || b + 1", "(a || (b + 1))"),
        ("a || b = c", "((a || b) = c)"),
        ("a ~ 'x' AND b !~* 'y'", "((a ~ 'x') AND (b !~* 'y'))"),
        ("a = 1 OR b = 2 AND c = 3", "((a = 1) OR ((b = 2) AND (c = 3)))"),
        ("a AND b AND c", "((a AND b) AND c)"),
        ("a OR b OR c OR d", "((a OR b) OR (c OR d))"),
        ("NOT a = b", "(NOT (a = b))"),
        ("NOT a AND b", "((NOT a) AND b)"),
        ("NOT NOT a", "(NOT (NOT a))"),
        ("a IS NULL = b", "((a IS NULL) = b)"),
        ("a = b IS NULL", "((a = b) IS NULL)"),
        ("NOT a IS NULL", "(NOT (a IS NULL))"),
        ("a + 1 BETWEEN 1 AND 2 + 3", "((a + 1) BETWEEN 1 AND (2 + 3))"),
        ("a BETWEEN 1 AND 2 AND b", "((a BETWEEN 1 AND 2) AND b)"),
        ("a < b IN (true)", "(a < (b IN (TRUE)))"),
        ("a LIKE 'x' || 'y'", "(a LIKE ('x' || 'y'))"),
        ("a::text || 'x'", "(CAST(a AS text) || 'x')"),
        ("a != b", "(a <> b)"),
        ("a <> b", "(a <> b)"),
        ("(1 + 2) * 3", "((1 + 2) * 3)"),
    ])
    func precedence(sql: String, expected: String) {
        #expect(renderExpression(sql) == expected)
    }

    @Test func longAndChainIsBalanced() throws {
        let sql = (0..<10_000).map { "c\($0) = \($0)" }.joined(separator: " AND ")
        let expression = try Parser.parseExpression(sql)
        #expect(treeDepth(expression) <= 16)
        #expect(countLeaves(expression, op: .and) == 10_000)
    }

    @Test func longOrChainParses() throws {
        let sql = "SELECT * FROM t WHERE " + (0..<10_000).map { "c = \($0)" }.joined(separator: " OR ")
        let statements = try Parser.parse(sql)
        #expect(statements.count == 1)
    }

    private func treeDepth(_ expression: Expression) -> Int {
        if case .binary(.and, let left, let right) = expression.kind {
            return 1 + max(treeDepth(left), treeDepth(right))
        }
        return 1
    }

    private func countLeaves(_ expression: Expression, op: BinaryOperator) -> Int {
        if case .binary(let found, let left, let right) = expression.kind, found == op {
            return countLeaves(left, op: op) + countLeaves(right, op: op)
        }
        return 1
    }
}

@Suite struct ExpressionFormTests {
    @Test(arguments: [
        // Literals and typed literals.
        ("NULL", "NULL"),
        ("TRUE", "TRUE"),
        ("false", "FALSE"),
        ("42", "42"),
        ("1.5", "#1.5"),
        (".5", "#.5"),
        ("1e-3", "#1e-3"),
        ("'it''s'", "'it's'"),
        ("E'a\\nb'", "'a\nb'"),
        ("$$x'y$$", "'x'y'"),
        ("DATE '2024-01-02'", "date '2024-01-02'"),
        ("TIMESTAMP '2024-01-02 03:04:05'", "timestamp '2024-01-02 03:04:05'"),
        ("timestamp with time zone '2024-01-02'", "timestamp with time zone '2024-01-02'"),
        ("BOOLEAN 't'", "boolean 't'"),
        ("double precision '1.5'", "double precision '1.5'"),
        ("'ab'\n  'cd'", "'abcd'"),
        ("ts AT TIME ZONE 'UTC'", "timezone('UTC', ts)"),
        ("a + ts AT TIME ZONE 'UTC'", "(a + timezone('UTC', ts))"),
        ("-ts AT TIME ZONE z", "timezone(z, (-ts))"),
        ("time + double", "(time + double)"),
        ("INTERVAL '1 day'", "INTERVAL '1 day'"),
        ("INTERVAL '3' DAY", "INTERVAL '3' day"),
        ("INTERVAL '1-2' YEAR TO MONTH", "INTERVAL '1-2' year to month"),
        // Columns and parameters.
        ("a", "a"),
        ("T.A", "t.a"),
        ("s.t.a", "s.t.a"),
        ("\"MixedCase\".\"Col\"", "MixedCase.Col"),
        ("$2", "$2"),
        ("key + value + version + name + date", "((((key + value) + version) + name) + date)"),
        // Function calls.
        ("count(*)", "count(*)"),
        ("COUNT(DISTINCT x)", "count(DISTINCT x)"),
        ("sum(x) FILTER (WHERE x > 0)", "sum(x) FILTER (WHERE (x > 0))"),
        ("percentile_cont(0.5) WITHIN GROUP (ORDER BY x DESC)",
         "percentile_cont(#0.5) WITHIN GROUP (ORDER BY x DESC)"),
        ("now()", "now()"),
        ("left('abc', 2)", "left('abc', 2)"),
        ("right('abc', 2)", "right('abc', 2)"),
        ("replace(a, 'x', 'y')", "replace(a, 'x', 'y')"),
        ("date_trunc('hour', ts)", "date_trunc('hour', ts)"),
        ("coalesce(a, b, 0)", "coalesce(a, b, 0)"),
        ("nullif(a, 0)", "nullif(a, 0)"),
        ("substring(s FROM 2 FOR 3)", "substring(s, 2, 3)"),
        ("position('b' IN s)", "position('b', s)"),
        ("trim(BOTH 'x' FROM s)", "btrim(s, 'x')"),
        ("trim(LEADING FROM s)", "ltrim(s)"),
        ("current_date", "current_date()"),
        // Keyword forms.
        ("CAST(a AS VARCHAR(20))", "CAST(a AS varchar(20))"),
        ("a::double precision", "CAST(a AS double precision)"),
        ("a::numeric(10, 2)", "CAST(a AS numeric(10,2))"),
        ("CASE WHEN a THEN 1 ELSE 2 END", "CASE WHEN a THEN 1 ELSE 2 END"),
        ("CASE a WHEN 1 THEN 'x' WHEN 2 THEN 'y' END", "CASE a WHEN 1 THEN 'x' WHEN 2 THEN 'y' END"),
        ("a IS NOT NULL", "(a IS NOT NULL)"),
        ("a ISNULL", "(a IS NULL)"),
        ("a NOTNULL", "(a IS NOT NULL)"),
        ("a IS DISTINCT FROM b", "(a IS DISTINCT FROM b)"),
        ("a IS NOT DISTINCT FROM b", "(a IS NOT DISTINCT FROM b)"),
        ("a IS TRUE", "(a IS TRUE)"),
        ("a IS NOT FALSE", "(a IS NOT FALSE)"),
        ("a IS UNKNOWN", "(a IS UNKNOWN)"),
        ("a NOT BETWEEN 1 AND 2", "(a NOT BETWEEN 1 AND 2)"),
        ("a BETWEEN SYMMETRIC 2 AND 1",
         "((a BETWEEN 2 AND 1) OR (a BETWEEN 1 AND 2))"),
        ("a NOT BETWEEN SYMMETRIC 2 AND 1",
         "((a NOT BETWEEN 2 AND 1) AND (a NOT BETWEEN 1 AND 2))"),
        ("a IN (1, 2, 3)", "(a IN (1, 2, 3))"),
        ("a NOT IN (1)", "(a NOT IN (1))"),
        ("a IN (SELECT b FROM t)", "(a IN (query))"),
        ("a NOT IN (SELECT b FROM t)", "(a NOT IN (query))"),
        ("a LIKE 'x%'", "(a LIKE 'x%')"),
        ("a NOT ILIKE 'x%' ESCAPE '!'", "(a NOT ILIKE 'x%' ESCAPE '!')"),
        ("EXISTS (SELECT 1)", "EXISTS(query)"),
        ("NOT EXISTS (SELECT 1)", "(NOT EXISTS(query))"),
        ("(SELECT max(a) FROM t) + 1", "((query) + 1)"),
        ("ARRAY[1, 2, 3]", "ARRAY[1, 2, 3]"),
        ("ARRAY[]", "ARRAY[]"),
        ("EXTRACT(YEAR FROM ts)", "EXTRACT(year FROM ts)"),
        ("extract('epoch' from ts)", "EXTRACT(epoch FROM ts)"),
    ])
    func form(sql: String, expected: String) {
        #expect(renderExpression(sql) == expected)
    }

    @Test func positionOfEachNode() throws {
        let expression = try Parser.parseExpression("a +\n  b * 3")
        guard case .binary(.add, let left, let right) = expression.kind else {
            Issue.record("expected an addition, got \(render(expression))")
            return
        }
        #expect(expression.position == SourcePosition(offset: 0, line: 1, column: 1))
        #expect(left.position == SourcePosition(offset: 0, line: 1, column: 1))
        #expect(right.position == SourcePosition(offset: 6, line: 2, column: 3))
    }

    @Test func countStarSetsStarFlag() throws {
        let expression = try Parser.parseExpression("count(*)")
        guard case .function(let call) = expression.kind else {
            Issue.record("expected a call, got \(render(expression))")
            return
        }
        #expect(call.star)
        #expect(call.arguments.isEmpty)
    }

    @Test func quotedIdentifierKeepsCase() throws {
        let expression = try Parser.parseExpression("\"Foo\"\"Bar\"")
        #expect(expression.kind == .column(parts: ["Foo\"Bar"]))
    }
}
