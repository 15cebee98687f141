// EXPLAIN output: pushed filters, zone-map predicates, pruned scan columns, hash joins for
// comma joins with the smaller side as build, TopN, and the effect of zone maps at run time.

import TeleCore
import TeleExecution
import TelePlanner
import Testing

@Suite struct ExplainTests {
    @Test func filterAndZoneMapReachScan() throws {
        let plan = try explain("SELECT channel, os, count(*) FROM pings WHERE version = '120.0' GROUP BY channel, os")
        let lines = plan.split(separator: "\n").map(String.init)
        try #require(lines.count == 3)
        #expect(lines[0].hasPrefix("Projection [channel, os, count"))
        #expect(lines[1].contains("HashAggregate keys=[channel, os] aggregates=[count(*)]"))
        #expect(lines[2].contains("TableScan pings columns=[channel, os, version]"))
        #expect(lines[2].contains("filter=(version = '120.0')"))
        #expect(lines[2].contains("zonemap=[version = '120.0']"))
        #expect(lines[2].contains("rows~1"))
    }

    @Test func identityProjectionsRemoved() throws {
        let plan = try explain("SELECT n FROM nums UNION SELECT id FROM users")
        #expect(!plan.contains("Projection"))
        #expect(plan.contains("TableScan nums columns=[n]"))
    }

    @Test func commaJoinBecomesHashJoin() throws {
        let plan = try explain("SELECT u.name, o.amount FROM users u, orders o WHERE u.id = o.user_id AND o.amount > 10")
        #expect(plan.contains("HashJoin type=inner keys=[id = user_id]"))
        #expect(!plan.contains("NestedLoopJoin"))
        #expect(plan.contains("TableScan orders columns=[user_id, amount] filter=(amount > 10)"))
    }

    @Test func threeWayCommaJoinIsReordered() throws {
        // users and pings share no condition, so joining them first would be a cross join.
        let sql = """
            SELECT u.name, o.amount, p.os FROM users u, pings p, orders o
            WHERE u.id = o.user_id AND p.id = o.user_id
            """
        let plan = try explain(sql)
        #expect(!plan.contains("NestedLoopJoin"))
        #expect(plan.components(separatedBy: "HashJoin type=inner").count == 3)
        #expect(sortedText(try run(sql)) == ["ada|100|windows", "ada|50|windows", "bob|70|mac", "cy|20|linux"])
    }

    @Test func smallerSideIsBuilt() throws {
        // nums has 4 rows and pings 12: the hash table is built on nums, the left input.
        let plan = try explain("SELECT p.id FROM nums n JOIN pings p ON n.n = p.id")
        #expect(plan.contains("build=left"))
        let swapped = try explain("SELECT p.id FROM pings p JOIN nums n ON n.n = p.id")
        #expect(swapped.contains("build=right"))
        #expect(sortedText(try run("SELECT p.id, n.n FROM nums n JOIN pings p ON n.n = p.id")) == ["1|1", "2|2", "3|3"])
    }

    @Test func nonEquiJoinUsesNestedLoop() throws {
        #expect(try explain("SELECT 1 FROM users u JOIN orders o ON u.id < o.user_id").contains("NestedLoopJoin type=inner"))
    }

    @Test func orderByLimitBecomesTopN() throws {
        let plan = try explain("SELECT name FROM users ORDER BY id DESC LIMIT 2")
        #expect(plan.contains("TopN keys=[id DESC NULLS FIRST] limit=2 offset=0"))
        #expect(!plan.contains("Sort "))
    }

    @Test func constantsFold() throws {
        let plan = try explain("SELECT id FROM users WHERE TRUE AND id = 1 + 1")
        #expect(plan.contains("filter=(id = 2)"))
        #expect(plan.contains("zonemap=[id = 2]"))
        let noFilter = try explain("SELECT id FROM users WHERE 1 = 1")
        #expect(!noFilter.contains("filter="))
    }

    @Test func nullComparisonsFoldToNoRows() throws {
        // `x / 0 = NULL` is NULL for every row, so x / 0 never runs and no error is raised.
        #expect(text(try run("SELECT id FROM users WHERE id / 0 = NULL")) == [])
        #expect(text(try run("SELECT count(*) FROM users WHERE NULL IN (id / 0)")) == ["0"])
        let plan = try explain("SELECT id FROM users WHERE id * 2 > NULL")
        #expect(plan.contains("Values rows=0"))
        #expect(!plan.contains("TableScan"))
        #expect(text(try run("SELECT id FROM users GROUP BY id HAVING NULL IS NOT NULL")) == [])
    }

    @Test func filterPushedThroughSubqueryAndView() throws {
        let plan = try explain("SELECT ping_id FROM release_pings WHERE ping_id > 6")
        #expect(plan.hasPrefix("Projection [id AS ping_id]\n  TableScan pings"))
        #expect(plan.contains("TableScan pings columns=[id, channel] filter=((id > 6) AND (channel = 'release'))"))
        #expect(plan.contains("zonemap=[id > 6, channel = 'release']"))
    }

    @Test func subqueryPlansShown() throws {
        let plan = try explain("SELECT name, (SELECT amount FROM orders o WHERE o.id = u.id + 9) FROM users u")
        #expect(plan.contains("SubPlan scalar correlated"))
        #expect(plan.contains("TableScan orders columns=[id, amount] filter=(id = ($outer0 + 9))"))
    }

    @Test func scalarAggregateBecomesLeftJoin() throws {
        let plan = try explain("SELECT name, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) FROM users u")
        #expect(plan.contains("HashJoin type=left"))
        #expect(plan.contains("HashAggregate keys=[user_id] aggregates=[count(*)]"))
        #expect(!plan.contains("SubPlan"))
    }

    @Test func correlatedExistsBecomesSemiJoin() throws {
        let exists = try explain("SELECT name FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.amount > 30)")
        #expect(exists.contains("HashJoin type=semi keys=[id = user_id]"))
        #expect(exists.contains("TableScan orders columns=[user_id, amount] filter=(amount > 30)"))
        #expect(!exists.contains("SubPlan"))
        let notExists = try explain("SELECT name FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id)")
        #expect(notExists.contains("HashJoin type=anti keys=[id = user_id]"))
        let inSubquery = try explain(
            "SELECT id FROM orders o WHERE o.amount IN (SELECT amount FROM orders i WHERE i.user_id <> o.user_id)")
        #expect(inSubquery.contains("type=semi"))
        // A correlated aggregate cannot become a join and stays a subquery.
        let aggregate = try explain(
            "SELECT id FROM orders o WHERE EXISTS (SELECT 1 FROM orders i WHERE i.user_id = o.user_id HAVING count(*) > 1)")
        #expect(aggregate.contains("SubPlan EXISTS correlated"))
    }

    @Test func nullRejectingFilterMakesJoinInner() throws {
        let plan = try explain("SELECT u.name FROM users u LEFT JOIN orders o ON u.id = o.user_id WHERE o.amount > 60")
        #expect(plan.contains("HashJoin type=inner"))
        #expect(plan.contains("filter=(amount > 60)"))
        // IS NULL keeps the padded rows, so the join stays a left join.
        let kept = try explain("SELECT u.name FROM users u LEFT JOIN orders o ON u.id = o.user_id WHERE o.amount IS NULL")
        #expect(kept.contains("HashJoin type=left") || kept.contains("HashJoin type=right"))
        #expect(text(try run("SELECT u.name FROM users u LEFT JOIN orders o ON u.id = o.user_id WHERE o.amount IS NULL")) == ["dee"])
    }

    @Test func inListBecomesZoneMapRange() throws {
        let plan = try explain("SELECT id FROM pings WHERE id IN (10, 12, 9)")
        #expect(plan.contains("zonemap=[id >= 9, id <= 12]"))
        let planned = try Planner(snapshot: testSnapshot).plan(try parseQuery("SELECT id FROM pings WHERE id IN (10, 12, 9)"))
        let rows = try planned.root.collect().flatMap { chunk in (0..<chunk.count).map { chunk.row($0) } }
        #expect(sortedText(rows) == ["10", "12", "9"])
        #expect(try #require(findScan(planned.root)).rowGroupsSkipped == 2)
    }

    @Test func countStarReadsMetadata() throws {
        #expect(try explain("SELECT count(*) FROM pings").contains("Values rows=1"))
        #expect(text(try run("SELECT count(*), count(*) + 1 FROM pings")) == ["12|13"])
        // With a filter the scan still runs.
        #expect(try explain("SELECT count(*) FROM pings WHERE id > 3").contains("TableScan pings"))
        #expect(text(try run("SELECT count(*) FROM pings WHERE id > 3")) == ["9"])
    }

    @Test func constantCopiedAcrossJoinKey() throws {
        let sql = "SELECT u.name, o.amount FROM users u JOIN orders o ON u.id = o.user_id WHERE u.id = 1"
        let plan = try explain(sql)
        #expect(plan.contains("TableScan orders columns=[user_id, amount] filter=(user_id = 1) zonemap=[user_id = 1]"))
        #expect(plan.contains("TableScan users columns=[id, name] filter=(id = 1) zonemap=[id = 1]"))
        #expect(sortedText(try run(sql)) == ["ada|100", "ada|50"])
    }

    @Test func zoneMapsSkipRowGroups() throws {
        // pings has row groups of ids 1-4, 5-8 and 9-12; id > 8 can only match the last.
        let planned = try Planner(snapshot: testSnapshot).plan(try parseQuery("SELECT id FROM pings WHERE id > 8"))
        let rows = try planned.root.collect().flatMap { chunk in (0..<chunk.count).map { chunk.row($0) } }
        #expect(text(rows) == ["9", "10", "11", "12"])
        let scan = try #require(findScan(planned.root))
        #expect(scan.rowGroupsSkipped == 2)
    }

    private func findScan(_ node: any PhysicalOperator) -> TableScanOperator? {
        if let scan = node as? TableScanOperator { return scan }
        for child in node.children {
            if let scan = findScan(child) { return scan }
        }
        return nil
    }
}
