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
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("Projection [channel, os, count"))
        #expect(lines[1].contains("HashAggregate keys=[channel, os] aggregates=[count(*)]"))
        #expect(lines[2].contains("TableScan pings columns=[channel, os, version]"))
        #expect(lines[2].contains("filter=(version = '120.0')"))
        #expect(lines[2].contains("zonemap=[version = '120.0']"))
        #expect(lines[2].contains("rows~1"))
    }

    @Test func commaJoinBecomesHashJoin() throws {
        let plan = try explain("SELECT u.name, o.amount FROM users u, orders o WHERE u.id = o.user_id AND o.amount > 10")
        #expect(plan.contains("HashJoin type=inner keys=[id = user_id]"))
        #expect(!plan.contains("NestedLoopJoin"))
        #expect(plan.contains("TableScan orders columns=[user_id, amount] filter=(amount > 10)"))
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

    @Test func filterPushedThroughSubqueryAndView() throws {
        let plan = try explain("SELECT ping_id FROM release_pings WHERE ping_id > 6")
        #expect(plan.hasPrefix("Projection [id AS ping_id]\n  TableScan pings"))
        #expect(plan.contains("TableScan pings columns=[id, channel] filter=((id > 6) AND (channel = 'release'))"))
        #expect(plan.contains("zonemap=[id > 6, channel = 'release']"))
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
