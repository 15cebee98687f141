// SAMPLE clauses, sample_factor() and the sample error aggregates, checked against a CRC-32
// written independently here and against the error formulas computed from the sampled rows.

import TeleCore
import TeleExecution
import TelePlanner
import TeleStorage
import Testing

/// Bitwise CRC-32 (IEEE, reflected), without the table the engine uses.
func referenceCRC32(_ text: String) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in text.utf8 {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

func referenceSampleID(_ clientID: String) -> Int64 {
    Int64(referenceCRC32(clientID.lowercased()) % 100)
}

/// `daily(client_id, sample_id, value)`: 2,000 rows of 400 clients, sorted by sample_id in
/// row groups of 100, with `value` NULL on every 50th row. `events(client_id, v)`: the
/// same clients with upper-case ids on odd clients and no sample_id column.
let sampleSnapshot: MemorySnapshot = {
    var snapshot = MemorySnapshot()
    var daily: [[Value]] = []
    for row in 0..<2000 {
        let client = "client-\(row % 400)"
        let value: Value = row % 50 == 7 ? .null : .double(Double((row * 37) % 101) + 0.5)
        daily.append([.string(client), .integer(referenceSampleID(client)), value])
    }
    daily.sort { a, b in
        guard case .integer(let x) = a[1], case .integer(let y) = b[1] else { return false }
        return x < y
    }
    snapshot.addTable("daily", [("client_id", .varchar), ("sample_id", .integer), ("value", .double)], rows: daily, groupSize: 100)

    var events: [[Value]] = []
    for row in 0..<600 {
        let number = row % 400
        let client = number % 2 == 1 ? "CLIENT-\(number)" : "client-\(number)"
        events.append([.string(client), .integer(Int64(row))])
    }
    snapshot.addTable("events", [("client_id", .varchar), ("v", .bigint)], rows: events, groupSize: 100)
    return snapshot
}()

private func sampleRun(_ sql: String) throws -> [[Value]] {
    try run(sql, snapshot: sampleSnapshot)
}

private func strings(_ rows: [[Value]], column: Int = 0) -> Set<String> {
    Set(rows.compactMap { row in
        if case .string(let text) = row[column] { return text }
        return nil
    })
}

private func double(_ value: Value) -> Double? {
    switch value {
    case .double(let number): return number
    case .integer(let number): return Double(number)
    default: return nil
    }
}

/// Finds the table scans of a physical plan.
private func tableScans(_ node: any PhysicalOperator) -> [TableScanOperator] {
    let own = (node as? TableScanOperator).map { [$0] } ?? []
    return own + node.children.flatMap(tableScans)
}

@Suite("SAMPLE clause")
struct SampleTests {
    @Test("sample_id matches test vectors", arguments: [
        ("2907648d-711b-4e9f-94b5-52a2b40a44b1", Int64(67)),
        ("90210716-99f8-0a4f-8119-9bfc16cd68a3", Int64(17)),
        ("90210716-99F8-0A4F-8119-9BFC16CD68A3", Int64(17)),
    ])
    func sampleIDVectors(clientID: String, expected: Int64) throws {
        let rows = try sampleRun("SELECT sample_id('\(clientID)')")
        #expect(rows == [[.integer(expected)]])
        #expect(referenceSampleID(clientID) == expected)
    }

    @Test("sample_id keeps NULL and lowers case")
    func sampleIDRows() throws {
        let rows = try sampleRun(
            "SELECT sample_id(c) FROM (VALUES ('ABC-É'), (NULL), ('abc-é'), ('Client-7')) AS t (c)")
        #expect(rows.count == 4)
        #expect(rows[0] == [.integer(referenceSampleID("abc-é"))])
        #expect(rows[1] == [.null])
        #expect(rows[2] == rows[0])
        #expect(rows[3] == [.integer(referenceSampleID("client-7"))])
    }

    @Test("BY client_id keeps sample_id below n")
    func byStoredSampleID() throws {
        let rows = try sampleRun("SELECT client_id, sample_id FROM daily SAMPLE 10 PERCENT BY client_id")
        let expected = try sampleRun("SELECT client_id, sample_id FROM daily WHERE sample_id < 10")
        #expect(!rows.isEmpty)
        #expect(sortedText(rows) == sortedText(expected))
    }

    @Test("1 PERCENT BY selects one sample_id")
    func onePercent() throws {
        let rows = try sampleRun("SELECT DISTINCT sample_id FROM daily SAMPLE 1 PERCENT BY client_id")
        let all = try sampleRun("SELECT DISTINCT sample_id FROM daily WHERE sample_id = 0")
        #expect(rows == all)
        #expect(rows.count <= 1)
    }

    @Test("BY computes sample_id without a stored column")
    func byComputedSampleID() throws {
        let rows = try sampleRun("SELECT client_id FROM events e SAMPLE 30 PERCENT BY client_id")
        let expected = (0..<600).map { $0 % 400 }.map { $0 % 2 == 1 ? "CLIENT-\($0)" : "client-\($0)" }
            .filter { referenceSampleID($0) < 30 }
        #expect(rows.count == expected.count)
        #expect(strings(rows) == Set(expected))
    }

    @Test("same clients in every table")
    func sameClientSet() throws {
        let daily = strings(try sampleRun("SELECT DISTINCT client_id FROM daily SAMPLE 20 PERCENT BY client_id"))
        let events = strings(try sampleRun("SELECT DISTINCT lower(client_id) FROM events SAMPLE 20 PERCENT BY client_id"))
        #expect(!daily.isEmpty)
        #expect(daily == events)
    }

    @Test("zone maps skip row groups of other sample_ids")
    func zoneMapSkipping() throws {
        let query = try parseQuery("SELECT count(*) FROM daily SAMPLE 5 PERCENT BY client_id")
        let plan = try Planner(snapshot: sampleSnapshot).explain(query)
        #expect(plan.contains("zonemap=[sample_id < 5]"))

        let planned = try Planner(snapshot: sampleSnapshot).plan(query)
        _ = try planned.root.collect()
        // A parallel plan has one scan per worker; together they skip each group once.
        let scans = tableScans(planned.root)
        #expect(!scans.isEmpty)
        let table = try #require(sampleSnapshot.table("daily"))
        let groupsWithoutSample = table.rowGroups.filter { group in
            guard case .integer(let low) = group.statistics(column: 1).min else { return false }
            return low >= 5
        }
        #expect(groupsWithoutSample.count > 0)
        #expect(scans.reduce(0) { $0 + $1.rowGroupsSkipped } == groupsWithoutSample.count)
    }

    @Test("SAMPLE ROWS returns exactly n rows")
    func sampleRows() throws {
        let first = try sampleRun("SELECT client_id, value FROM daily SAMPLE 50 ROWS REPEATABLE (3)")
        let again = try sampleRun("SELECT client_id, value FROM daily SAMPLE 50 ROWS REPEATABLE (3)")
        let other = try sampleRun("SELECT client_id, value FROM daily SAMPLE 50 ROWS REPEATABLE (4)")
        let negative = try sampleRun("SELECT client_id, value FROM daily SAMPLE 50 ROWS REPEATABLE (-4)")
        #expect(negative.count == 50)
        #expect(text(negative) != text(other))
        #expect(first.count == 50)
        #expect(text(first) == text(again))
        #expect(text(first) != text(other))
        #expect(try sampleRun("SELECT count(*) FROM daily SAMPLE 5000 ROWS") == [[.integer(2000)]])
        // count(*) must count the sample, not read the table's row count from metadata.
        #expect(try sampleRun("SELECT count(*) FROM daily SAMPLE 50 ROWS") == [[.integer(50)]])
    }

    @Test("SAMPLE PERCENT is repeatable")
    func samplePercent() throws {
        let first = try sampleRun("SELECT v FROM events SAMPLE 25 PERCENT REPEATABLE (1)")
        let again = try sampleRun("SELECT v FROM events SAMPLE 25 PERCENT REPEATABLE (1)")
        #expect(text(first) == text(again))
        // 600 rows at p = 0.25: mean 150, standard deviation about 10.6.
        #expect(first.count > 100)
        #expect(first.count < 200)
        // A filter applies after sampling and keeps positions stable.
        let filtered = try sampleRun("SELECT v FROM events SAMPLE 25 PERCENT REPEATABLE (1) WHERE v >= 300")
        let expected = first.filter { row in
            guard case .integer(let v) = row[0] else { return false }
            return v >= 300
        }
        #expect(text(filtered) == text(expected))
    }

    @Test("sample_factor follows the sample")
    func sampleFactor() throws {
        #expect(try sampleRun("SELECT sample_factor() FROM daily SAMPLE 10 PERCENT BY client_id LIMIT 1") == [[.double(10)]])
        #expect(try sampleRun("SELECT DISTINCT sample_factor() FROM daily SAMPLE 50 ROWS") == [[.double(40)]])
        let error = try #require(planningError("SELECT sample_factor() FROM nums"))
        #expect(error.state == .wrongObjectType)
    }

    @Test("sample errors under Bernoulli rows")
    func bernoulliErrors() throws {
        let sampled = try sampleRun("SELECT value FROM daily SAMPLE 20 PERCENT REPEATABLE (2)")
        let values = sampled.compactMap { double($0[0]) }
        let p = 0.2
        let countError = (Double(sampled.count) * (1 - p)).squareRoot() / p
        let sumError = ((1 - p) * values.reduce(0) { $0 + $1 * $1 }).squareRoot() / p
        let mean = values.reduce(0, +) / Double(values.count)
        let avgError = ((1 - p) * values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }).squareRoot() / Double(values.count)

        let row = try #require(try sampleRun(
            "SELECT count_error(), sum_error(value), avg_error(value) FROM daily SAMPLE 20 PERCENT REPEATABLE (2)").first)
        #expect(abs((double(row[0]) ?? -1) - countError) < 1e-9 * countError)
        #expect(abs((double(row[1]) ?? -1) - sumError) < 1e-9 * sumError)
        #expect(abs((double(row[2]) ?? -1) - avgError) < 1e-9 * avgError)
    }

    @Test("sample errors under cluster sampling")
    func clusterErrors() throws {
        let sampled = try sampleRun("SELECT client_id, value FROM daily SAMPLE 20 PERCENT BY client_id")
        var rowsPerClient: [String: Double] = [:]
        var sumPerClient: [String: Double] = [:]
        var valuedRowsPerClient: [String: Double] = [:]
        for row in sampled {
            guard case .string(let client) = row[0] else { continue }
            rowsPerClient[client, default: 0] += 1
            if let value = double(row[1]) {
                sumPerClient[client, default: 0] += value
                valuedRowsPerClient[client, default: 0] += 1
            }
        }
        let p = 0.2
        let countError = ((1 - p) * rowsPerClient.values.reduce(0) { $0 + $1 * $1 }).squareRoot() / p
        let sumError = ((1 - p) * sumPerClient.values.reduce(0) { $0 + $1 * $1 }).squareRoot() / p
        let totalRows = valuedRowsPerClient.values.reduce(0, +)
        let ratio = sumPerClient.values.reduce(0, +) / totalRows
        let residuals = valuedRowsPerClient.keys.reduce(0.0) { total, client in
            let deviation = (sumPerClient[client] ?? 0) - ratio * (valuedRowsPerClient[client] ?? 0)
            return total + deviation * deviation
        }
        let avgError = ((1 - p) * residuals).squareRoot() / totalRows

        let row = try #require(try sampleRun(
            "SELECT count_error(), sum_error(value), avg_error(value) FROM daily SAMPLE 20 PERCENT BY client_id").first)
        #expect(abs((double(row[0]) ?? -1) - countError) < 1e-9 * countError)
        #expect(abs((double(row[1]) ?? -1) - sumError) < 1e-9 * sumError)
        #expect(abs((double(row[2]) ?? -1) - avgError) < 1e-9 * avgError)
    }

    @Test("WITH ERROR adds 95% bounds")
    func withError() throws {
        let from = "FROM daily SAMPLE 20 PERCENT BY client_id"
        let planned = try Planner(snapshot: sampleSnapshot).plan(try parseQuery(
            "SELECT count(*) * sample_factor() AS n, sum(value), avg(value) \(from) WITH ERROR"))
        #expect(planned.columns.map(\.name) == ["n", "sum", "avg", "n_low", "n_high", "sum_low", "sum_high", "avg_low", "avg_high"])

        let row = try #require(try sampleRun("SELECT count(*) * sample_factor() AS n, sum(value), avg(value) \(from) WITH ERROR").first)
        let parts = try #require(try sampleRun(
            "SELECT count(*) * sample_factor(), count_error(), sum(value), sum_error(value) / sample_factor(), avg(value), avg_error(value) \(from)"
        ).first).map { double($0) ?? .nan }
        let bounds = row.map { double($0) ?? .nan }
        let expected = [
            parts[0] - 1.96 * parts[1], parts[0] + 1.96 * parts[1],
            parts[2] - 1.96 * parts[3], parts[2] + 1.96 * parts[3],
            parts[4] - 1.96 * parts[5], parts[4] + 1.96 * parts[5],
        ]
        for (actual, wanted) in zip(bounds[3...], expected) {
            #expect(abs(actual - wanted) <= 1e-9 * max(abs(wanted), 1))
        }
        #expect(bounds[3] < bounds[0])
        #expect(bounds[4] > bounds[0])
    }

    @Test("invalid samples raise errors", arguments: [
        ("SELECT * FROM daily SAMPLE 2.5 PERCENT BY client_id", SQLState.invalidParameterValue),
        ("SELECT * FROM daily SAMPLE 10 PERCENT BY nobody", SQLState.undefinedColumn),
        ("SELECT * FROM daily SAMPLE 0 PERCENT", SQLState.syntaxError),
        ("SELECT * FROM daily SAMPLE 101 PERCENT", SQLState.syntaxError),
        ("SELECT sample_factor() FROM daily SAMPLE 0 ROWS", SQLState.divisionByZero),
        ("SELECT min(value) FROM daily SAMPLE 10 PERCENT WITH ERROR", SQLState.featureNotSupported),
        ("SELECT * FROM (SELECT * FROM daily) d SAMPLE 10 PERCENT", SQLState.syntaxError),
    ])
    func invalidSamples(sql: String, state: SQLState) throws {
        do {
            _ = try sampleRun(sql)
            Issue.record("expected an error from \(sql)")
        } catch let error as TeleError {
            #expect(error.state == state)
        }
    }
}
