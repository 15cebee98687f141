// HISTOGRAM, percentile and sketch queries run end to end through a session, with every
// expected value computed in the test from the raw samples.

import Foundation
import TeleCore
import Testing
@testable import TeleDB

@Suite("Histogram queries")
struct HistogramQueryTests {
    /// GC_MS's layout: exponential, range [1, 10000], 50 buckets (Firefox bounds).
    static let gcBounds: [Int64] = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 17, 20, 24, 29, 34, 40, 48, 57, 68, 81, 96, 114, 135, 160, 190, 226, 268,
        318, 378, 449, 533, 633, 752, 894, 1062, 1262, 1500, 1782, 2117, 2516, 2990, 3553, 4222, 5017, 5961, 7083, 8416,
        10000,
    ]

    /// Deterministic samples spread over several orders of magnitude.
    static func samples(count: Int, seed: UInt64) -> [Int64] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let unit = Double(state >> 11) / Double(1 << 53)
            return Int64(exp(unit * 9.5)) - 1
        }
    }

    static func session(samples: [Int64], groups: Int = 4) throws -> Session {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE s (g INTEGER, k INTEGER, x BIGINT)")
        var start = 0
        while start < samples.count {
            let end = min(start + 500, samples.count)
            let rows = (start..<end).map { "(\($0 % groups), \($0 % 7), \(samples[$0]))" }.joined(separator: ",")
            _ = try session.execute("INSERT INTO s VALUES \(rows)")
            start = end
        }
        return session
    }

    static func histogramValue(_ value: Value) throws -> Histogram {
        guard case .histogram(let histogram) = value else { throw TeleError.internalError("not a histogram: \(value)") }
        return histogram
    }

    static func double(_ value: Value) throws -> Double {
        switch value {
        case .double(let number): return number
        case .integer(let number): return Double(number)
        default: throw TeleError.internalError("not a number: \(value)")
        }
    }

    /// The bucket counts an independent pass over the samples gives.
    static func expectedCounts(_ samples: [Int64], bounds: [Int64]) -> [Int64: Int64] {
        var counts: [Int64: Int64] = [:]
        for sample in samples {
            let bound = bounds.last { $0 <= sample } ?? 0
            counts[bound, default: 0] += 1
        }
        return counts
    }

    @Test("exponential histogram counts each sample once")
    func exponentialCounts() throws {
        let samples = Self.samples(count: 3000, seed: 7)
        let session = try Self.session(samples: samples)
        let histogram = try Self.histogramValue(
            try session.scalar("SELECT HISTOGRAM(x, EXPONENTIAL(1, 10000, 50)) FROM s"))
        let expected = Self.expectedCounts(samples, bounds: Self.gcBounds)
        #expect(histogram.kind == .exponential)
        #expect(histogram.low == 1)
        #expect(histogram.high == 10000)
        #expect(histogram.bucketCount == 50)
        #expect(histogram.sum == samples.reduce(0, +))
        #expect(histogram.bucketLowerBounds == expected.keys.sorted())
        #expect(histogram.bucketCounts == expected.keys.sorted().map { expected[$0] ?? 0 })
        #expect(histogram.submissions == 1)
    }

    @Test("BOUNDARIES counts each sample once and survives a reopen")
    func customBoundariesPersist() throws {
        let samples = Self.samples(count: 3000, seed: 11)
        let bounds: [Int64] = [0, 3, 30, 300, 3000]
        let expected = Self.expectedCounts(samples, bounds: bounds)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("db")
        do {
            let session = try Self.session(samples: samples)
            let rows = samples.map { "(\($0))" }.joined(separator: ",")
            let fileSession = try Database.open(path: path).connect()
            _ = try fileSession.execute("CREATE TABLE s (x BIGINT)")
            _ = try fileSession.execute("INSERT INTO s VALUES \(rows)")
            _ = try fileSession.execute(
                "CREATE TABLE h AS SELECT HISTOGRAM(x, BOUNDARIES(ARRAY[3, 30, 300, 3000])) AS h FROM s")
            let inMemory = try Self.histogramValue(
                try session.scalar("SELECT HISTOGRAM(x, BOUNDARIES(ARRAY[3, 30, 300, 3000])) FROM s"))
            #expect(inMemory.bucketLowerBounds == expected.keys.sorted())
        }
        let reopened = try Database.open(path: path).connect()
        let histogram = try Self.histogramValue(try reopened.scalar("SELECT h FROM h"))
        #expect(histogram.kind == .custom)
        #expect(histogram.customBounds == bounds)
        #expect(histogram.sum == samples.reduce(0, +))
        #expect(histogram.bucketLowerBounds == expected.keys.sorted())
        #expect(histogram.bucketCounts == expected.keys.sorted().map { expected[$0] ?? 0 })
    }

    @Test("merge is exact and independent of row order")
    func mergeOrderIndependent() throws {
        let samples = Self.samples(count: 4000, seed: 11)
        let direct = try Self.session(samples: samples)
        let shuffled = try Self.session(samples: samples.reversed())
        let merge = """
            SELECT HISTOGRAM(h) FROM (SELECT g, k, HISTOGRAM(x, EXPONENTIAL(1, 10000, 50)) AS h FROM s GROUP BY g, k) t
            """
        let first = try Self.histogramValue(try direct.scalar(merge))
        let second = try Self.histogramValue(try shuffled.scalar(merge))
        let whole = try Self.histogramValue(try direct.scalar("SELECT HISTOGRAM(x, EXPONENTIAL(1, 10000, 50)) FROM s"))
        #expect(first == second)
        #expect(first.bucketCounts == whole.bucketCounts)
        #expect(first.bucketLowerBounds == whole.bucketLowerBounds)
        #expect(first.sum == whole.sum)
        // 4 groups of g times 7 of k: every pair occurs, so 28 histograms were merged.
        #expect(first.submissions == 28)
        #expect(try direct.count("SELECT histogram_submissions(HISTOGRAM(h)) FROM (SELECT HISTOGRAM(x, LINEAR(1, 100, 12)) AS h FROM s GROUP BY g) t") == 4)
    }

    /// The percentile rule the functions document, written out independently.
    static func expectedPercentile(_ samples: [Int64], bounds: [Int64], p: Double, exponential: Bool) -> Double {
        let counts = expectedCounts(samples, bounds: bounds)
        let rank = p * Double(samples.count)
        var before: Int64 = 0
        for (index, bound) in bounds.enumerated() {
            let count = counts[bound] ?? 0
            if count == 0 { continue }
            if Double(before + count) >= rank {
                guard index + 1 < bounds.count else { return Double(bound) }
                let fraction = (rank - Double(before)) / Double(count)
                let low = Double(bound)
                let high = Double(bounds[index + 1])
                if exponential && bound > 0 { return low * pow(high / low, fraction) }
                return low + fraction * (high - low)
            }
            before += count
        }
        return Double(bounds.last ?? 0)
    }

    @Test("percentile interpolates inside the bucket")
    func percentileValues() throws {
        let samples = Self.samples(count: 2000, seed: 3)
        let session = try Self.session(samples: samples)
        for p in [0.05, 0.25, 0.5, 0.75, 0.95, 0.99] {
            let exponential = try Self.double(
                try session.scalar("SELECT percentile(HISTOGRAM(x, EXPONENTIAL(1, 10000, 50)), \(p)) FROM s"))
            let expected = Self.expectedPercentile(samples, bounds: Self.gcBounds, p: p, exponential: true)
            #expect(abs(exponential - expected) < 1e-9 * max(1, expected), "p = \(p)")
        }
        let linearBounds: [Int64] = [0] + (0..<11).map { 1 + Int64($0) * 1000 }
        let linear = try Self.double(try session.scalar("SELECT percentile(HISTOGRAM(x, LINEAR(1, 10001, 12)), 0.5) FROM s"))
        let expected = Self.expectedPercentile(samples, bounds: linearBounds, p: 0.5, exponential: false)
        #expect(abs(linear - expected) < 1e-9 * max(1, expected))
    }

    @Test("hand-computed percentile and summary functions")
    func handComputed() throws {
        let session = try Self.session(samples: [1, 5, 12, 40, 9000], groups: 1)
        let p50 = try Self.double(try session.scalar("SELECT percentile(HISTOGRAM(x, EXPONENTIAL(1, 10000, 50)), 0.5) FROM s"))
        // Rank 2.5 falls halfway into bucket [12, 14): 12 * (14 / 12)^0.5.
        #expect(abs(p50 - 12 * (14.0 / 12).squareRoot()) < 1e-9)
        let mean = try Self.double(try session.scalar("SELECT histogram_mean(HISTOGRAM(x, EXPONENTIAL(1, 10000, 50))) FROM s"))
        #expect(mean == 9058.0 / 5)
        #expect(try session.count("SELECT histogram_count(HISTOGRAM(x, EXPONENTIAL(1, 10000, 50))) FROM s") == 5)
        #expect(try session.count("SELECT histogram_sum(HISTOGRAM(x, EXPONENTIAL(1, 10000, 50))) FROM s") == 9058)
        let list = try session.scalar("SELECT percentiles(HISTOGRAM(x, LINEAR(0, 10, 12)), ARRAY[0, 1]) FROM s")
        // The lowest sample, 1, sits at the start of bucket [1, 2). The top sample is in the
        // overflow bucket [10, ...), which returns its lower bound.
        #expect(list == .string("[1,10]"))
    }

    @Test("exact percentiles follow PostgreSQL")
    func exactPercentiles() throws {
        let samples = Self.samples(count: 1001, seed: 5)
        let session = try Self.session(samples: samples)
        let sorted = samples.sorted().map(Double.init)
        for p in [0.0, 0.1, 0.5, 0.9, 1.0] {
            let cont = try Self.double(try session.scalar("SELECT percentile_cont(\(p)) WITHIN GROUP (ORDER BY x) FROM s"))
            let position = p * Double(sorted.count - 1)
            let lower = Int(position.rounded(.down))
            let upper = min(lower + 1, sorted.count - 1)
            let expectedCont = sorted[lower] + (position - Double(lower)) * (sorted[upper] - sorted[lower])
            #expect(abs(cont - expectedCont) < 1e-9, "cont p = \(p)")
            let disc = try Self.double(try session.scalar("SELECT percentile_disc(\(p)) WITHIN GROUP (ORDER BY x) FROM s"))
            let expectedDisc = sorted[max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1)]
            #expect(disc == expectedDisc, "disc p = \(p)")
        }
        let descending = try Self.double(
            try session.scalar("SELECT percentile_cont(0.1) WITHIN GROUP (ORDER BY x DESC) FROM s"))
        let ascending = try Self.double(try session.scalar("SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY x) FROM s"))
        #expect(abs(descending - ascending) < 1e-9)
    }

    @Test("approx_percentile stays within one percent")
    func approximatePercentile() throws {
        let samples = Self.samples(count: 5000, seed: 9).map { $0 + 1 }
        let session = try Self.session(samples: samples)
        let sorted = samples.sorted().map(Double.init)
        for p in [0.01, 0.5, 0.9, 0.99] {
            let estimate = try Self.double(try session.scalar("SELECT approx_percentile(x, \(p)) FROM s"))
            let exact = sorted[Int((p * Double(sorted.count - 1)).rounded(.down))]
            #expect(abs(estimate - exact) <= 0.01 * exact + 1e-9, "p = \(p)")
        }
        let again = try session.scalar("SELECT approx_percentile(x, 0.5) FROM s")
        #expect(again == (try session.scalar("SELECT approx_percentile(x, 0.5) FROM s")))
    }

    @Test("approx_count_distinct within its error bound")
    func approximateCountDistinct() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE d (x BIGINT, t VARCHAR)")
        for block in 0..<40 {
            let rows = (0..<1000).map { "(\(block * 1000 + $0), 'c\(($0 * 37 + block) % 5000)')" }.joined(separator: ",")
            _ = try session.execute("INSERT INTO d VALUES \(rows)")
        }
        let numbers = Double(try session.count("SELECT approx_count_distinct(x) FROM d"))
        let exactNumbers = Double(try session.count("SELECT count(DISTINCT x) FROM d"))
        // Four standard errors of 0.81% each.
        #expect(abs(numbers - exactNumbers) / exactNumbers < 0.033)
        let texts = Double(try session.count("SELECT approx_count_distinct(t) FROM d"))
        let exactTexts = Double(try session.count("SELECT count(DISTINCT t) FROM d"))
        #expect(abs(texts - exactTexts) / exactTexts < 0.033)
        #expect(try session.count("SELECT approx_count_distinct(x) FROM d WHERE x < 10") == 10)
        // Small groups stay sparse, so their counts are exact.
        let mismatches = try session.count(
            "SELECT count(*) FROM (SELECT x % 5000 AS g, approx_count_distinct(x) AS a, count(DISTINCT x) AS e FROM d GROUP BY x % 5000) t WHERE a <> e")
        #expect(mismatches == 0)
    }

    @Test("incompatible layouts name both layouts")
    func incompatibleLayouts() throws {
        let session = try Self.session(samples: [1, 2, 3, 4], groups: 2)
        let query = """
            SELECT HISTOGRAM(h) FROM (SELECT HISTOGRAM(x, LINEAR(1, 100, 10)) AS h FROM s WHERE g = 0
            UNION ALL SELECT HISTOGRAM(x, EXPONENTIAL(1, 10000, 50)) FROM s WHERE g = 1) t
            """
        let error = try #require(throws: TeleError.self) { try session.execute(query) }
        #expect(error.message.contains("linear(1, 100, 10)"))
        #expect(error.message.contains("exponential(1, 10000, 50)"))
        #expect(error.hint?.contains("re-bucket") == true)

        // Re-bucketing both into one layout merges them.
        let rebucketed = query.replacingOccurrences(of: "SELECT HISTOGRAM(h)", with: "SELECT HISTOGRAM(h, LINEAR(1, 100, 10))")
        let merged = try Self.histogramValue(try session.scalar(rebucketed))
        #expect(merged.sampleCount == 4)
        #expect(merged.submissions == 2)
    }

    @Test("invalid arguments raise clear errors")
    func invalidArguments() throws {
        let session = try Self.session(samples: [1, 2, 3], groups: 1)
        let cases: [(String, String)] = [
            ("SELECT percentile(HISTOGRAM(x, LINEAR(1, 100, 10)), 1.5) FROM s", "22023"),
            ("SELECT HISTOGRAM(x, LINEAR(100, 1, 10)) FROM s", "22023"),
            ("SELECT HISTOGRAM(x, SQUARE(1, 100, 10)) FROM s", "22023"),
            ("SELECT HISTOGRAM(x, LINEAR(1, x, 10)) FROM s", "22023"),
            ("SELECT approx_percentile(x, x) FROM s", "22023"),
            ("SELECT percentile_cont(2) WITHIN GROUP (ORDER BY x) FROM s", "22023"),
            ("SELECT HISTOGRAM('a', LINEAR(1, 100, 10)) FROM s", "42883"),
        ]
        for (sql, code) in cases {
            let error = try #require(throws: TeleError.self, "\(sql)") { try session.execute(sql) }
            #expect(error.state.code == code, "\(sql): \(error.message)")
        }
    }

    /// Sums the counts of every GC_MS histogram in the real pings with Foundation's parser.
    static func gcSampleCount(_ files: [URL]) throws -> (samples: Int64, histograms: Int) {
        var samples: Int64 = 0
        var histograms = 0
        func visit(_ node: Any) {
            if let object = node as? [String: Any] {
                for (key, child) in object {
                    if key == "GC_MS", let values = (child as? [String: Any])?["values"] as? [String: Any] {
                        histograms += 1
                        samples += values.values.reduce(Int64(0)) { $0 + ((($1 as? NSNumber)?.int64Value) ?? 0) }
                    } else {
                        visit(child)
                    }
                }
            } else if let array = node as? [Any] {
                array.forEach(visit)
            }
        }
        for file in files { visit(try JSONSerialization.jsonObject(with: Data(contentsOf: file))) }
        return (samples, histograms)
    }

    @Test("GC_MS of the real pings merges")
    func realPings() throws {
        guard let telemetry = TestPaths.telemetry else { return }
        let folder = telemetry.appendingPathComponent("pings/pass")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
        let expected = try Self.gcSampleCount(files)
        let database = Database.inMemory()
        _ = try database.ingestPings(files: files.map(\.path), options: PingIngestOptions())
        let session = database.connect()
        let merged = try Self.histogramValue(
            try session.scalar("SELECT HISTOGRAM(histogram) FROM histograms WHERE metric = 'GC_MS'"))
        #expect(merged.sampleCount == expected.samples)
        #expect(merged.submissions == Int64(expected.histograms))
        let median = try Self.double(
            try session.scalar(
                "SELECT percentile(HISTOGRAM(histogram), 0.5) FROM histograms WHERE metric = 'GC_MS'"))
        #expect(median >= 1 && median <= 10000)
    }
}
