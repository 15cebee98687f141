// Queries planned and run end to end: projections, filters, joins, grouping, ordering,
// set operations, CTEs and views, compared with results worked out by hand.

import TeleCore
import TelePlanner
import Testing

@Suite struct SelectTests {
    @Test func selectWithoutFrom() throws {
        #expect(text(try run("SELECT 1 + 2, 'a' || 'b'")) == ["3|ab"])
        #expect(try columns("SELECT 1 + 2 AS three, 1").map(\.name) == ["three", "?column?"])
    }

    @Test func untypedNullIsText() throws {
        #expect(try columns("SELECT NULL AS nothing, 1").map(\.type) == [.varchar, .integer])
        #expect(text(try run("SELECT NULL")) == ["NULL"])
    }

    @Test func filterAndProjection() throws {
        let rows = try run("SELECT id, os FROM pings WHERE channel = 'release' AND id > 3 ORDER BY id")
        #expect(text(rows) == ["6|mac", "9|windows", "12|linux"])
    }

    @Test func dateLiteralTakesColumnType() throws {
        let rows = try run("SELECT id FROM pings WHERE day >= '2024-01-11' ORDER BY id")
        #expect(text(rows) == ["11", "12"])
    }

    @Test func starAndQualifiedStar() throws {
        #expect(try columns("SELECT * FROM users").map(\.name) == ["id", "name", "country"])
        #expect(try columns("SELECT u.*, o.id FROM users u, orders o").map(\.name) == ["id", "name", "country", "id"])
    }

    @Test func commaJoinWithEquality() throws {
        let rows = try run("SELECT u.name, o.amount FROM users u, orders o WHERE u.id = o.user_id")
        #expect(sortedText(rows) == ["ada|100", "ada|50", "bob|70", "cy|20"])
    }

    @Test func leftJoinKeepsUnmatched() throws {
        let rows = try run("SELECT u.name, o.amount FROM users u LEFT JOIN orders o ON u.id = o.user_id")
        #expect(sortedText(rows) == ["ada|100", "ada|50", "bob|70", "cy|20", "dee|NULL"])
    }

    @Test func rightAndFullJoins() throws {
        let right = try run("SELECT u.name, o.id FROM users u RIGHT JOIN orders o ON u.id = o.user_id")
        #expect(sortedText(right) == ["NULL|14", "NULL|15", "ada|10", "ada|11", "bob|12", "cy|13"])
        let full = try run("SELECT u.name, o.id FROM users u FULL JOIN orders o ON u.id = o.user_id")
        #expect(sortedText(full) == ["NULL|14", "NULL|15", "ada|10", "ada|11", "bob|12", "cy|13", "dee|NULL"])
    }

    @Test func leftJoinWhereOnRightSide() throws {
        // The WHERE on the nullable side must stay above the join, dropping NULL-extended rows.
        let rows = try run("SELECT u.name FROM users u LEFT JOIN orders o ON u.id = o.user_id WHERE o.amount > 60")
        #expect(sortedText(rows) == ["ada", "bob"])
        // An ON condition on the right side only restricts matches and keeps every user.
        let onRows = try run("SELECT u.name, o.amount FROM users u LEFT JOIN orders o ON u.id = o.user_id AND o.amount > 60")
        #expect(sortedText(onRows) == ["ada|100", "bob|70", "cy|NULL", "dee|NULL"])
    }

    @Test func joinUsingMergesColumn() throws {
        var snapshot = testSnapshot
        snapshot.addTable("a", [("k", .integer), ("x", .varchar)], rows: [[.integer(1), .string("a1")], [.integer(2), .string("a2")]])
        snapshot.addTable("b", [("k", .integer), ("y", .varchar)], rows: [[.integer(2), .string("b2")], [.integer(3), .string("b3")]])
        let planned = try Planner(snapshot: snapshot).plan(try parseQuery("SELECT * FROM a FULL JOIN b USING (k)"))
        #expect(planned.columns.map(\.name) == ["k", "x", "y"])
        #expect(sortedText(try run("SELECT * FROM a FULL JOIN b USING (k)", snapshot: snapshot)) == ["1|a1|NULL", "2|a2|b2", "3|NULL|b3"])
        #expect(sortedText(try run("SELECT k, a.k, b.k FROM a NATURAL JOIN b", snapshot: snapshot)) == ["2|2|2"])
    }

    @Test func crossJoinCount() throws {
        #expect(text(try run("SELECT count(*) FROM users CROSS JOIN nums")) == ["16"])
    }

    @Test func groupByForms() throws {
        let expected = ["beta|4", "nightly|4", "release|4"]
        #expect(sortedText(try run("SELECT channel, count(*) FROM pings GROUP BY channel")) == expected)
        #expect(sortedText(try run("SELECT channel, count(*) FROM pings GROUP BY 1")) == expected)
        #expect(sortedText(try run("SELECT channel AS c, count(*) FROM pings GROUP BY c")) == expected)
        #expect(sortedText(try run("SELECT channel, count(*) FROM pings GROUP BY ALL")) == expected)
    }

    @Test func groupByExpressionAndHaving() throws {
        let rows = try run(
            "SELECT upper(os), sum(id) FROM pings GROUP BY upper(os) HAVING count(*) > 3 ORDER BY upper(os)")
        #expect(text(rows) == ["LINUX|45"])
    }

    @Test func aggregateWithoutGroupByOnEmptyInput() throws {
        #expect(text(try run("SELECT count(*), sum(id), max(os) FROM pings WHERE id > 100")) == ["0|NULL|NULL"])
    }

    @Test func distinctAndFilterAggregates() throws {
        let rows = try run(
            "SELECT count(DISTINCT os), count(*) FILTER (WHERE version = '120.0'), count(value) FROM pings")
        #expect(text(rows) == ["3|6|11"])
    }

    @Test func orderByForms() throws {
        #expect(text(try run("SELECT id FROM users ORDER BY 1 DESC")) == ["4", "3", "2", "1"])
        #expect(text(try run("SELECT id AS k FROM users ORDER BY k DESC LIMIT 2")) == ["4", "3"])
        // Sorting by a column that is not selected.
        #expect(text(try run("SELECT name FROM users ORDER BY id DESC")) == ["dee", "cy", "bob", "ada"])
        #expect(text(try run("SELECT country FROM users ORDER BY country NULLS FIRST, name")) == ["NULL", "uk", "us", "us"])
        #expect(text(try run("SELECT country FROM users ORDER BY country DESC")) == ["NULL", "us", "us", "uk"])
    }

    @Test func orderByAggregateNotSelected() throws {
        let rows = try run("SELECT channel FROM pings GROUP BY channel ORDER BY sum(id) DESC")
        #expect(text(rows) == ["release", "nightly", "beta"])
    }

    @Test func limitAndOffset() throws {
        #expect(text(try run("SELECT id FROM pings ORDER BY id LIMIT 3 OFFSET 2")) == ["3", "4", "5"])
        #expect(text(try run("SELECT id FROM pings ORDER BY id OFFSET 10")) == ["11", "12"])
        #expect(text(try run("SELECT id FROM pings ORDER BY id LIMIT 0")) == [])
    }

    @Test func selectDistinct() throws {
        #expect(text(try run("SELECT DISTINCT os FROM pings ORDER BY os")) == ["linux", "mac", "windows"])
    }

    @Test func setOperations() throws {
        #expect(sortedText(try run("SELECT n FROM nums UNION SELECT id FROM users")) == ["1", "2", "3", "4", "NULL"])
        #expect(text(try run("SELECT n FROM nums UNION ALL SELECT id FROM users")).count == 8)
        #expect(sortedText(try run("SELECT n FROM nums INTERSECT SELECT id FROM users")) == ["1", "2", "3"])
        #expect(sortedText(try run("SELECT id FROM users EXCEPT SELECT n FROM nums")) == ["4"])
        #expect(text(try run("SELECT n FROM nums UNION SELECT 2.5 ORDER BY 1 LIMIT 2")) == ["1", "2"])
        #expect(try columns("SELECT n FROM nums UNION SELECT 2.5").map(\.type) == [.double])
    }

    @Test func commonTableExpressions() throws {
        let rows = try run(
            """
            WITH big AS (SELECT user_id, amount FROM orders WHERE amount >= 50),
                 named (uid, total) AS (SELECT user_id, sum(amount) FROM big GROUP BY user_id)
            SELECT a.uid, b.total FROM named a JOIN named b ON a.uid = b.uid ORDER BY a.uid
            """)
        #expect(text(rows) == ["1|150", "2|70"])
    }

    @Test func viewsExpand() throws {
        let rows = try run("SELECT ping_id, os FROM release_pings WHERE os <> 'linux' ORDER BY ping_id")
        #expect(text(rows) == ["6|mac", "9|windows"])
    }

    @Test func subqueryInFromWithAliases() throws {
        let rows = try run("SELECT s.c, s.n FROM (SELECT channel, count(*) FROM pings GROUP BY channel) AS s (c, n) WHERE s.c = 'beta'")
        #expect(text(rows) == ["beta|4"])
    }

    @Test func valuesAsQuery() throws {
        let rows = try run("SELECT column1 + 1, column2 FROM (VALUES (1, 'a'), (2, NULL)) v ORDER BY 1")
        #expect(text(rows) == ["2|a", "3|NULL"])
    }

    @Test func expressionForms() throws {
        let rows = try run(
            """
            SELECT CASE os WHEN 'linux' THEN 'L' ELSE 'other' END, id BETWEEN 2 AND 3, os IN ('mac', 'x'),
                   coalesce(value, -1), nullif(os, 'mac'), os LIKE 'w%', EXTRACT(day FROM day),
                   day + INTERVAL '1 day' = '2024-01-03'::timestamp, value IS NULL
            FROM pings WHERE id IN (2, 5) ORDER BY id
            """)
        #expect(text(rows) == [
            "other|true|true|3|NULL|false|2|true|false",
            "other|false|false|-1|windows|true|5|false|true",
        ])
    }

    @Test func betweenSymmetric() throws {
        #expect(text(try run("SELECT 5 BETWEEN SYMMETRIC 10 AND 1, 5 BETWEEN 10 AND 1, 5 NOT BETWEEN 1 AND 4")) == ["true|false|true"])
    }

    @Test func parametersFillPlaceholders() throws {
        let rows = try run("SELECT name FROM users WHERE id = $1 OR name = $2", parameters: [.integer(2), .string("dee")])
        #expect(sortedText(rows) == ["bob", "dee"])
    }

    @Test func intervalLiterals() throws {
        let cases: [(String, String)] = [
            ("INTERVAL '1 day'", "1 day"),
            ("INTERVAL '2 hours 30 minutes'", "02:30:00"),
            ("INTERVAL '1.5 days'", "1 day 12:00:00"),
            ("INTERVAL '-1 mon 3 days'", "-1 mon 3 days"),
            ("INTERVAL '1 day 01:30:00'", "1 day 01:30:00"),
            ("INTERVAL 'P1DT2H'", "1 day 02:00:00"),
            ("INTERVAL '3' DAY", "3 days"),
        ]
        for (sql, expected) in cases {
            #expect(text(try run("SELECT " + sql)) == [expected], "\(sql)")
        }
        #expect(planningError("SELECT INTERVAL '1 fortnight'")?.state.code == "22007")
    }

    @Test func nestingBelowLimitRuns() throws {
        let nested = String(repeating: "(", count: 150) + "id" + String(repeating: " + 1)", count: 150)
        #expect(text(try run("SELECT \(nested) FROM users WHERE id = 1")) == ["151"])
    }
}
