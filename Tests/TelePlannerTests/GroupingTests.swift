// GROUP BY, HAVING and aggregate edge cases: NULL keys, HAVING without GROUP BY, grouped
// expressions reused in the select list, ORDER BY over aggregates and aliases.

import TeleCore
import TelePlanner
import Testing

@Suite struct GroupingTests {
    @Test func nullKeysFormOneGroup() throws {
        let rows = try run("SELECT country, count(*) FROM users GROUP BY country ORDER BY country")
        #expect(text(rows) == ["uk|1", "us|2", "NULL|1"])
    }

    @Test func havingWithoutGroupBy() throws {
        #expect(text(try run("SELECT count(*) FROM users HAVING count(*) > 3")) == ["4"])
        #expect(text(try run("SELECT count(*) FROM users HAVING count(*) > 4")) == [])
    }

    @Test func groupedExpressionReused() throws {
        let rows = try run(
            "SELECT upper(os) || '!', count(*) FROM pings GROUP BY upper(os) ORDER BY upper(os) || '!' DESC")
        #expect(text(rows) == ["WINDOWS!|3", "MAC!|3", "LINUX!|6"])
    }

    @Test func groupByAllWithExpression() throws {
        let rows = try run("SELECT version, day > '2024-01-06', count(*) FROM pings GROUP BY ALL ORDER BY 1, 2")
        #expect(text(rows) == ["119.0|false|6", "120.0|true|6"])
    }

    @Test func orderByAggregateAlias() throws {
        let rows = try run("SELECT os, count(*) AS n FROM pings GROUP BY os ORDER BY n DESC, os LIMIT 2")
        #expect(text(rows) == ["linux|6", "mac|3"])
    }

    @Test func aggregateOverExpression() throws {
        let rows = try run("SELECT sum(id * 2), avg(value), min(day), max(version) FROM pings WHERE id <= 4")
        #expect(text(rows) == ["20|3.75|2024-01-01|119.0"])
    }

    @Test func groupByColumnNotSelected() throws {
        let rows = try run("SELECT count(*) FROM pings GROUP BY channel")
        #expect(text(rows) == ["4", "4", "4"])
    }

    @Test func havingOnUngroupedColumnFails() throws {
        let error = try #require(planningError("SELECT channel FROM pings GROUP BY channel HAVING os = 'mac'"))
        #expect(error.state.code == "42803")
        #expect(error.message.contains("\"pings.os\""))
    }

    @Test func orderByUngroupedColumnFails() throws {
        #expect(planningError("SELECT channel FROM pings GROUP BY channel ORDER BY id")?.state.code == "42803")
    }

    @Test func aggregateInGroupByFails() throws {
        let error = try #require(planningError("SELECT count(*) FROM pings GROUP BY count(*)"))
        #expect(error.state.code == "42803")
        #expect(error.message == "aggregate functions are not allowed in GROUP BY")
    }

    @Test func distinctAggregateWithGroups() throws {
        let rows = try run("SELECT channel, count(DISTINCT os) FROM pings GROUP BY channel ORDER BY channel")
        #expect(text(rows) == ["beta|3", "nightly|3", "release|3"])
    }

    @Test func countOfJoinedRows() throws {
        let rows = try run(
            "SELECT u.name, count(o.id), coalesce(sum(o.amount), 0) FROM users u LEFT JOIN orders o ON o.user_id = u.id GROUP BY u.name ORDER BY u.name")
        #expect(text(rows) == ["ada|2|150", "bob|1|70", "cy|1|20", "dee|0|0"])
    }
}
