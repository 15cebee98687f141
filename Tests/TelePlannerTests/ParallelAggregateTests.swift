// Aggregates over many row groups give the same result on one thread and on several, and
// errors and cancels raised inside a worker reach the caller.

import Foundation
import TeleCore
import TeleExecution
import TelePlanner
import Testing

@Suite struct ParallelAggregateTests {
    /// events(id, kind, client, amount, ratio, day): 30,000 rows in 30 row groups. `amount`
    /// is NULL on every 97th row and `ratio` contains whole numbers, so float sums are exact.
    static let snapshot: MemorySnapshot = {
        var snapshot = MemorySnapshot()
        var generator = SplitMix(seed: 42)
        var rows: [[Value]] = []
        for id in 0..<30_000 {
            let kind: Value = id % 13 == 0 ? .null : .string(["open", "close", "crash", ""][Int(generator.next() % 4)])
            let client = Value.string("client-\(generator.next() % 5_000)")
            let amount: Value = id % 97 == 0 ? .null : .integer(Int64(generator.next() % 1_000))
            let ratio = Value.double(Double(generator.next() % 100))
            rows.append([.integer(Int64(id)), kind, client, amount, ratio, date("2024-03-0\(1 + id % 7)")])
        }
        snapshot.addTable(
            "events",
            [("id", .integer), ("kind", .varchar), ("client", .varchar), ("amount", .bigint), ("ratio", .double),
             ("day", .date)],
            rows: rows, groupSize: 1_000)
        // clients(client, country): every other client of events, so joins drop some rows.
        let clients = (0..<2_500).map { number -> [Value] in
            [.string("client-\(number * 2)"), number % 10 == 0 ? .null : .string(["de", "us", "br"][number % 3])]
        }
        snapshot.addTable("clients", [("client", .varchar), ("country", .varchar)], rows: clients, groupSize: 1_000)
        return snapshot
    }()

    static let queries = [
        "SELECT count(*), count(amount), sum(amount), min(amount), max(amount), avg(ratio) FROM events",
        "SELECT kind, count(*), sum(amount), avg(amount), min(client), max(day) FROM events GROUP BY kind",
        "SELECT kind, day, count(*), sum(ratio), stddev(ratio), variance(amount) FROM events GROUP BY kind, day",
        "SELECT client, count(*) FROM events WHERE amount > 500 GROUP BY client",
        "SELECT day, count(DISTINCT client) FROM events GROUP BY day",
        "SELECT count(DISTINCT client), sum(DISTINCT amount) FROM events",
        "SELECT count(DISTINCT kind) FROM events",
        "SELECT kind, count(*) FILTER (WHERE amount < 100), bool_and(amount > 0), bool_or(ratio > 98) FROM events GROUP BY kind",
        "SELECT kind, percentile_cont(0.5) WITHIN GROUP (ORDER BY amount), percentile_disc(0.9) WITHIN GROUP (ORDER BY ratio) FROM events GROUP BY kind",
        "SELECT id % 10 AS bucket, sum(amount * 2) FROM events WHERE kind LIKE 'c%' GROUP BY id % 10 HAVING count(*) > 10",
        "SELECT approx_count_distinct(client) FROM events",
        "SELECT day, count(*) FROM events WHERE day BETWEEN '2024-03-02' AND '2024-03-03' GROUP BY day",
        "SELECT c.country, count(*), sum(e.amount) FROM events e JOIN clients c ON c.client = e.client GROUP BY c.country",
        "SELECT c.country, count(*) FROM events e LEFT JOIN clients c ON c.client = e.client WHERE e.id % 3 = 0 GROUP BY c.country",
        "SELECT c.country, count(e.id) FROM clients c RIGHT JOIN events e ON c.client = e.client GROUP BY c.country",
        "SELECT c.country, count(*) FROM clients c FULL JOIN events e ON c.client = e.client GROUP BY c.country",
        "SELECT kind, count(*) FROM events WHERE client IN (SELECT client FROM clients WHERE country = 'de') GROUP BY kind",
        "SELECT kind, count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.client = e.client) GROUP BY kind",
    ]

    /// Runs `sql` allowed `threads` threads; the rows come back sorted, because groups may
    /// appear in another order when several workers find them.
    func rows(_ sql: String, threads: Int) throws -> [String] {
        try Parallelism.run(threads: threads) { text(try run(sql, snapshot: Self.snapshot)).sorted() }
    }

    @Test(arguments: queries) func parallelMatchesSerial(sql: String) throws {
        let serial = try rows(sql, threads: 1)
        #expect(!serial.isEmpty)
        let fourWorkers = try rows(sql, threads: 4)
        #expect(Self.sameWithinRounding(fourWorkers, serial), "\(fourWorkers) differs from \(serial)")
        let threeWorkers = try rows(sql, threads: 3)
        #expect(Self.sameWithinRounding(threeWorkers, serial), "\(threeWorkers) differs from \(serial)")
    }

    /// True when the rows match, fields with a decimal point within a relative 1e-12: sums of
    /// doubles round differently when workers add them in another order.
    static func sameWithinRounding(_ left: [String], _ right: [String]) -> Bool {
        guard left.count == right.count else { return false }
        for (leftRow, rightRow) in zip(left, right) where leftRow != rightRow {
            let leftFields = leftRow.split(separator: "|", omittingEmptySubsequences: false)
            let rightFields = rightRow.split(separator: "|", omittingEmptySubsequences: false)
            guard leftFields.count == rightFields.count else { return false }
            for (a, b) in zip(leftFields, rightFields) where a != b {
                guard a.contains("."), let x = Double(a), let y = Double(b) else { return false }
                if abs(x - y) > 1e-12 * max(abs(x), abs(y)) { return false }
            }
        }
        return true
    }

    @Test func integerAveragesAreExact() throws {
        let sql = "SELECT kind, avg(amount), avg(id) FROM events GROUP BY kind"
        #expect(try rows(sql, threads: 4) == rows(sql, threads: 1))
        let huge = try run("SELECT avg(v) FROM (VALUES (9223372036854775807), (9223372036854775807), (-5)) t(v)")
        #expect(text(huge) == ["6.148914691236517e+18"])
        #expect(text(try run("SELECT avg(v) FROM (VALUES (-5), (-6)) t(v)")) == ["-5.5"])
    }

    @Test func explainShowsTheWorkers() throws {
        let sql = "SELECT kind, count(*) FROM events GROUP BY kind"
        let parallel = try Parallelism.run(threads: 4) {
            try Planner(snapshot: Self.snapshot).explain(try parseQuery(sql))
        }
        #expect(parallel.contains("workers=4"))
        let serial = try Parallelism.run(threads: 1) { try Planner(snapshot: Self.snapshot).explain(try parseQuery(sql)) }
        #expect(!serial.contains("workers="))
    }

    @Test func distinctAggregatesBecomeTwoAggregations() throws {
        let plan = try Parallelism.run(threads: 2) {
            try Planner(snapshot: Self.snapshot).explain(
                try parseQuery("SELECT day, count(DISTINCT client) FROM events GROUP BY day"))
        }
        let lines = plan.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.filter { $0.hasPrefix("HashAggregate") }.count == 2)
        #expect(lines.contains { $0.hasPrefix("HashAggregate keys=[day, client] aggregates=[] workers=2") })
    }

    @Test func joinsSplitTheirProbeSide() throws {
        let sql = "SELECT c.country, count(*) FROM events e JOIN clients c ON c.client = e.client GROUP BY c.country"
        let plan = try Parallelism.run(threads: 4) { try Planner(snapshot: Self.snapshot).explain(try parseQuery(sql)) }
        #expect(plan.contains("workers=4"))
        #expect(plan.contains("HashJoin"))
        let full = "SELECT count(*) FROM clients c FULL JOIN events e ON c.client = e.client"
        let fullPlan = try Parallelism.run(threads: 4) { try Planner(snapshot: Self.snapshot).explain(try parseQuery(full)) }
        #expect(!fullPlan.contains("workers="))
    }

    @Test func workerErrorReachesTheCaller() throws {
        // Only the row with id 29,999, in the last row group, divides by zero.
        let error = try #require(throws: TeleError.self) {
            _ = try rows("SELECT kind, sum(10 / (29999 - id)) FROM events GROUP BY kind", threads: 4)
        }
        #expect(error.state == .divisionByZero)
    }

    @Test func cancelStopsEveryWorker() throws {
        let cancellation = CancelledQuery()
        let error = try #require(throws: TeleError.self) {
            try Interruption.run(cancellation) { _ = try rows("SELECT kind, count(*) FROM events GROUP BY kind", threads: 4) }
        }
        #expect(error.state == .queryCanceled)
    }

    @Test func subqueriesKeepTheAggregateSerial() throws {
        let sql = "SELECT kind, count(*) FROM events WHERE amount > (SELECT avg(amount) FROM events) GROUP BY kind"
        let plan = try Parallelism.run(threads: 4) { try Planner(snapshot: Self.snapshot).explain(try parseQuery(sql)) }
        let outer = try #require(plan.split(separator: "\n").first)
        #expect(!outer.contains("workers="))
        #expect(try rows(sql, threads: 4) == rows(sql, threads: 1))
    }
}

private final class CancelledQuery: QueryCancellation {
    func checkCancelled() throws { throw TeleError(.queryCanceled, "canceling statement due to user request") }
}

/// A small deterministic generator, so the table is the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
