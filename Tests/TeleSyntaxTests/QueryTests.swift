// Queries: select lists, FROM with joins and subqueries, grouping, ordering, limits, set
// operations, VALUES and WITH.

import Testing
import TeleCore
@testable import TeleSyntax

@Suite struct SelectClauseTests {
    @Test func selectListWithAliases() throws {
        let core = try parseCore("SELECT DISTINCT a, b AS \"B\", c d, t.*, *, 1 + 2 AS sum, x AS from FROM t")
        #expect(core.distinct)
        #expect(core.items.count == 7)
        guard core.items.count == 7 else { return }
        #expect(core.items[0] == .expression(Expression(.column(parts: ["a"]), at: pos(0)), alias: nil))
        #expect(aliasOf(core.items[1]) == "B")
        #expect(aliasOf(core.items[2]) == "d")
        #expect(core.items[3] == .wildcard(table: "t", position: SourcePosition(offset: 34, line: 1, column: 35)))
        #expect(core.items[4] == .wildcard(table: nil, position: SourcePosition(offset: 39, line: 1, column: 40)))
        #expect(aliasOf(core.items[5]) == "sum")
        #expect(aliasOf(core.items[6]) == "from")
    }

    @Test func keywordsUsableAsColumnNames() throws {
        let core = try parseCore("SELECT key, value, version, date, name, time, type FROM metrics")
        let names = core.items.compactMap { item -> String? in
            guard case .expression(let expression, _) = item, case .column(let parts) = expression.kind else {
                return nil
            }
            return parts.joined(separator: ".")
        }
        #expect(names == ["key", "value", "version", "date", "name", "time", "type"])
    }

    @Test func whereGroupByHaving() throws {
        let core = try parseCore("SELECT a, count(*) FROM t WHERE b > 1 GROUP BY a, 2 HAVING count(*) > 3")
        #expect(core.whereClause.map(render) == "(b > 1)")
        guard case .expressions(let groups) = core.groupBy else {
            Issue.record("expected GROUP BY expressions, got \(core.groupBy)")
            return
        }
        #expect(groups.map(render) == ["a", "2"])
        #expect(core.having.map(render) == "(count(*) > 3)")
    }

    @Test func groupByAll() throws {
        let core = try parseCore("SELECT a, sum(b) FROM t GROUP BY ALL")
        #expect(core.groupBy == .all)
    }

    @Test func selectWithoutFrom() throws {
        let core = try parseCore("SELECT 1")
        #expect(core.from.isEmpty)
        #expect(core.groupBy == .none)
    }

    @Test func orderByDirectionsAndNulls() throws {
        let query = try parseQuery("SELECT a FROM t ORDER BY a, b DESC, c ASC NULLS FIRST, d DESC NULLS LAST")
        #expect(query.orderBy.map(render) == ["a", "b DESC", "c NULLS FIRST", "d DESC NULLS LAST"])
    }

    @Test(arguments: [
        ("SELECT a FROM t LIMIT 10 OFFSET 5", "10", "5"),
        ("SELECT a FROM t OFFSET 5 LIMIT 10", "10", "5"),
        ("SELECT a FROM t OFFSET 5 ROWS", "none", "5"),
        ("SELECT a FROM t LIMIT ALL", "none", "none"),
        ("SELECT a FROM t LIMIT ALL OFFSET 2", "none", "2"),
        ("SELECT a FROM t FETCH FIRST 3 ROWS ONLY", "3", "none"),
        ("SELECT a FROM t OFFSET 1 ROW FETCH NEXT ROW ONLY", "1", "1"),
        ("SELECT a FROM t LIMIT $1", "$1", "none"),
    ])
    func limitAndOffset(sql: String, limit: String, offset: String) throws {
        let query = try parseQuery(sql)
        #expect((query.limit.map(render) ?? "none") == limit)
        #expect((query.offset.map(render) ?? "none") == offset)
    }

    @Test func duplicateLimitIsError() {
        let error = parseError("SELECT a FROM t LIMIT 1 LIMIT 2")
        #expect(error?.state == .syntaxError)
        #expect(error?.message == "syntax error at or near \"LIMIT\"")
    }

    private func pos(_ offset: Int) -> SourcePosition {
        SourcePosition(offset: offset, line: 1, column: offset + 1)
    }

    private func aliasOf(_ item: SelectItem) -> String? {
        if case .expression(_, let alias) = item { return alias }
        return nil
    }
}

@Suite struct FromClauseTests {
    private func from(_ sql: String) throws -> [TableReference] {
        try parseCore(sql).from
    }

    /// Renders a table reference as a compact line for comparisons.
    private func describe(_ reference: TableReference) -> String {
        switch reference {
        case .table(let name, let alias, _):
            return name + (alias.map { " " + $0 } ?? "")
        case .subquery(_, let alias, let columns):
            return "(query)" + (alias.map { " " + $0 } ?? "")
                + (columns.isEmpty ? "" : "(" + columns.joined(separator: ",") + ")")
        case .function(let name, let arguments, let alias, _):
            return name + "(" + arguments.map(render).joined(separator: ", ") + ")" + (alias.map { " " + $0 } ?? "")
        case .join(let kind, let left, let right, let condition):
            let conditionText: String
            switch condition {
            case .none: conditionText = ""
            case .natural: conditionText = " NATURAL"
            case .on(let expression): conditionText = " ON " + render(expression)
            case .using(let columns): conditionText = " USING " + columns.joined(separator: ",")
            }
            return "[\(describe(left)) \(kind.rawValue) \(describe(right))\(conditionText)]"
        case .sampled(let table, _):
            return describe(table) + " SAMPLE"
        }
    }

    @Test(arguments: [
        ("SELECT * FROM t", ["t"]),
        ("SELECT * FROM t AS x, u y, main.v", ["t x", "u y", "main.v"]),
        ("SELECT * FROM a JOIN b ON a.id = b.id", ["[a INNER b ON (a.id = b.id)]"]),
        ("SELECT * FROM a INNER JOIN b USING (id, ts)", ["[a INNER b USING id,ts]"]),
        ("SELECT * FROM a LEFT JOIN b ON true", ["[a LEFT b ON TRUE]"]),
        ("SELECT * FROM a LEFT OUTER JOIN b ON true", ["[a LEFT b ON TRUE]"]),
        ("SELECT * FROM a RIGHT OUTER JOIN b ON true", ["[a RIGHT b ON TRUE]"]),
        ("SELECT * FROM a FULL JOIN b ON true", ["[a FULL b ON TRUE]"]),
        ("SELECT * FROM a CROSS JOIN b", ["[a CROSS b]"]),
        ("SELECT * FROM a NATURAL JOIN b", ["[a INNER b NATURAL]"]),
        ("SELECT * FROM a NATURAL LEFT JOIN b", ["[a LEFT b NATURAL]"]),
        ("SELECT * FROM a x JOIN b y ON x.i = y.i JOIN c ON true",
         ["[[a x INNER b y ON (x.i = y.i)] INNER c ON TRUE]"]),
        ("SELECT * FROM a JOIN (b JOIN c ON true) ON true", ["[a INNER [b INNER c ON TRUE] ON TRUE]"]),
        ("SELECT * FROM (SELECT 1) AS s", ["(query) s"]),
        ("SELECT * FROM (SELECT 1, 2) s (x, y)", ["(query) s(x,y)"]),
        ("SELECT * FROM ((SELECT 1) UNION (SELECT 2)) u", ["(query) u"]),
        ("SELECT * FROM (VALUES (1), (2)) v(n)", ["(query) v(n)"]),
        ("SELECT * FROM histogram_buckets(h) b", ["histogram_buckets(h) b"]),
        ("SELECT * FROM generate_series(1, 10)", ["generate_series(1, 10)"]),
    ])
    func tableReferences(sql: String, expected: [String]) throws {
        #expect(try from(sql).map(describe) == expected)
    }

    @Test func joinWithoutConditionIsError() {
        let error = parseError("SELECT * FROM a JOIN b WHERE x")
        #expect(error?.message == "syntax error at or near \"WHERE\"")
        #expect(error?.hint == "Expected ON or USING after the joined table.")
    }
}

@Suite struct SetOperationTests {
    private func describe(_ body: QueryBody) -> String {
        switch body {
        case .select(let core):
            if case .expression(let expression, _) = core.items.first { return render(expression) }
            return "select"
        case .values(let rows): return "values\(rows.count)"
        case .setOperation(let op, let all, let left, let right):
            return "(\(describe(left)) \(op.rawValue)\(all ? " ALL" : "") \(describe(right)))"
        case .nested(let query): return "{\(describe(query.body))}"
        }
    }

    @Test(arguments: [
        ("SELECT 1 UNION SELECT 2", "(1 UNION 2)"),
        ("SELECT 1 UNION ALL SELECT 2 UNION DISTINCT SELECT 3", "((1 UNION ALL 2) UNION 3)"),
        ("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3", "(1 UNION (2 INTERSECT 3))"),
        ("SELECT 1 INTERSECT SELECT 2 EXCEPT SELECT 3", "((1 INTERSECT 2) EXCEPT 3)"),
        ("SELECT 1 EXCEPT ALL SELECT 2", "(1 EXCEPT ALL 2)"),
        ("(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3", "((1 UNION 2) INTERSECT 3)"),
        ("(SELECT 1 ORDER BY 1 LIMIT 1) UNION SELECT 2", "({1} UNION 2)"),
        ("VALUES (1, 2), (3, 4)", "values2"),
        ("SELECT 1 UNION VALUES (2)", "(1 UNION values1)"),
        ("((SELECT 1))", "1"),
    ])
    func setOperations(sql: String, expected: String) throws {
        #expect(describe(try parseQuery(sql).body) == expected)
    }

    @Test func orderByAppliesToWholeUnion() throws {
        let query = try parseQuery("SELECT a FROM t UNION SELECT b FROM u ORDER BY 1 DESC LIMIT 3")
        #expect(query.orderBy.map(render) == ["1 DESC"])
        #expect(query.limit.map(render) == "3")
        guard case .setOperation = query.body else {
            Issue.record("expected a set operation")
            return
        }
    }
}

@Suite struct WithClauseTests {
    @Test func commonTableExpressions() throws {
        let query = try parseQuery("WITH a AS (SELECT 1), b (x, y) AS MATERIALIZED (SELECT 1, 2) SELECT * FROM a, b")
        #expect(query.with.map(\.name) == ["a", "b"])
        #expect(query.with.map(\.columns) == [[], ["x", "y"]])
    }

    @Test func recursiveMarksEveryCTE() throws {
        let query = try parseQuery("WITH RECURSIVE r AS (SELECT 1), s AS (SELECT 2) SELECT * FROM r, s")
        #expect(query.with.map(\.isRecursive) == [true, true])
        let plain = try parseQuery("WITH r AS (SELECT 1) SELECT * FROM r")
        #expect(plain.with.map(\.isRecursive) == [false])
    }

    @Test func withInsideSubquery() throws {
        let core = try parseCore("SELECT * FROM (WITH c AS (SELECT 1 AS n) SELECT n FROM c) s")
        guard case .subquery(let inner, let alias, _) = core.from.first else {
            Issue.record("expected a subquery")
            return
        }
        #expect(alias == "s")
        #expect(inner.with.map(\.name) == ["c"])
    }
}
