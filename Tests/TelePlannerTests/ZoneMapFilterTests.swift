// A scan skips testing its filter on row groups whose statistics prove every row passes,
// and its results stay those of the filter tested row by row.

import TeleCore
import TeleStorage
import TeleExecution
import TelePlanner
import Testing

@Suite struct ZoneMapFilterTests {
    /// Pairs of queries with one result. The first filter is exactly zone-map predicates, and
    /// the second computes the same condition, which the scan must test on every row.
    static let pairs: [(String, String)] = [
        ("SELECT count(*), sum(id) FROM pings WHERE id BETWEEN 5 AND 12",
         "SELECT count(*), sum(id) FROM pings WHERE id + 0 BETWEEN 5 AND 12"),
        ("SELECT count(*) FROM pings WHERE id >= 3 AND id < 9",
         "SELECT count(*) FROM pings WHERE id + 0 >= 3 AND id + 0 < 9"),
        ("SELECT count(*) FROM pings WHERE day > '2024-01-04'",
         "SELECT count(*) FROM pings WHERE day + 0 > '2024-01-04'"),
        ("SELECT count(value) FROM pings WHERE id = 5", "SELECT count(value) FROM pings WHERE id + 0 = 5"),
        ("SELECT count(*) FROM nums WHERE n IS NOT NULL", "SELECT count(*) FROM nums WHERE n + 0 IS NOT NULL"),
        ("SELECT count(*) FROM nums WHERE n <= 3", "SELECT count(*) FROM nums WHERE n + 0 <= 3"),
    ]

    @Test(arguments: pairs) func skippedFilterGivesSameRows(pair: (String, String)) throws {
        let exact = text(try run(pair.0))
        let tested = text(try run(pair.1))
        #expect(exact == tested)
    }

    @Test func betweenOverWholeGroupsIsExact() throws {
        // Groups of 4 rows: ids 5-8 and 9-12 lie inside the range, so only counting remains.
        #expect(text(try run("SELECT count(*), sum(id) FROM pings WHERE id BETWEEN 5 AND 12")) == ["8|68"])
        let planned = try Planner(snapshot: testSnapshot).plan(try parseQuery("SELECT id FROM pings WHERE id BETWEEN 5 AND 10"))
        let rows = try planned.root.collect().reduce(0) { $0 + $1.count }
        #expect(rows == 6)
        let scan = try #require(planned.root as? TableScanOperator)
        #expect(scan.rowGroupsSkipped == 1)
        #expect(scan.rowGroupsUnfiltered == 1)
    }

    @Test func computedFilterIsAlwaysTested() throws {
        let planned = try Planner(snapshot: testSnapshot).plan(try parseQuery("SELECT id FROM pings WHERE id + 0 >= 5"))
        _ = try planned.root.collect()
        let scan = try #require(planned.root as? TableScanOperator)
        #expect(scan.rowGroupsUnfiltered == 0)
    }

    @Test func mustMatchNeedsEveryRow() {
        let statistics = ColumnStatistics(min: .integer(5), max: .integer(8), nullCount: 0)
        let withNull = ColumnStatistics(min: .integer(5), max: .integer(8), nullCount: 1)
        let atLeastFive = ZoneMapPredicate(column: 0, comparison: .greaterOrEqual, value: .integer(5))
        let belowEight = ZoneMapPredicate(column: 0, comparison: .less, value: .integer(8))
        #expect(atLeastFive.mustMatch(statistics, rowCount: 4))
        #expect(!atLeastFive.mustMatch(withNull, rowCount: 4))
        #expect(!belowEight.mustMatch(statistics, rowCount: 4))
        let notNull = ZoneMapPredicate(column: 0, comparison: .isNotNull, value: .null)
        #expect(notNull.mustMatch(statistics, rowCount: 4))
        #expect(!notNull.mustMatch(withNull, rowCount: 4))
    }
}
