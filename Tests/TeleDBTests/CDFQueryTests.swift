// CDF and cdf_points end to end, with the expected points computed in the test from the
// sorted samples.

import Foundation
import TeleCore
import Testing
@testable import TeleDB

@Suite("CDF queries")
struct CDFQueryTests {
    static func session(_ samples: [Int64]) throws -> Session {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE s (x BIGINT)")
        var start = 0
        while start < samples.count {
            let end = min(start + 500, samples.count)
            _ = try session.execute("INSERT INTO s VALUES " + samples[start..<end].map { "(\($0))" }.joined(separator: ","))
            start = end
        }
        return session
    }

    static func points(_ session: Session, _ sql: String) throws -> [(Double, Double)] {
        let rows = try session.execute(sql).last?.rows ?? []
        return rows.map { row in
            guard case .double(let value) = row[0], case .double(let cumulative) = row[1] else { return (.nan, .nan) }
            return (value, cumulative)
        }
    }

    @Test("few distinct values give one exact point each")
    func distinctValues() throws {
        let samples: [Int64] = [5, 1, 5, 3, 9, 1, 5, 5]
        let session = try Self.session(samples)
        let points = try Self.points(session, "SELECT value, cumulative FROM cdf_points((SELECT CDF(x) FROM s))")
        let distinct = Set(samples).sorted()
        #expect(points.map(\.0) == distinct.map(Double.init))
        for (value, cumulative) in points {
            let expected = Double(samples.filter { Double($0) <= value }.count) / Double(samples.count)
            #expect(cumulative == expected, "value \(value)")
        }
    }

    @Test("point count bounds the output and fractions are exact")
    func pointCount() throws {
        var state: UInt64 = 42
        let samples: [Int64] = (0..<10_000).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int64(state >> 40) % 100_000
        }
        let session = try Self.session(samples)
        let points = try Self.points(session, "SELECT * FROM cdf_points((SELECT CDF(x, 50) FROM s))")
        #expect(points.count <= 51)
        #expect(points.count >= 45)
        let sorted = samples.sorted()
        #expect(points.first?.0 == Double(sorted[0]))
        #expect(points.last?.0 == Double(sorted[sorted.count - 1]))
        #expect(points.last?.1 == 1)
        for (value, cumulative) in points {
            let expected = Double(sorted.filter { Double($0) <= value }.count) / Double(sorted.count)
            #expect(cumulative == expected, "value \(value)")
        }
        // Ascending values and fractions.
        #expect(zip(points, points.dropFirst()).allSatisfy { $0.0 < $1.0 })
        #expect(zip(points, points.dropFirst()).allSatisfy { $0.1 < $1.1 })
        // The same data in reverse order gives the same CDF.
        let reversed = try Self.session(samples.reversed())
        #expect(
            try reversed.scalar("SELECT CDF(x, 50) FROM s") == (try session.scalar("SELECT CDF(x, 50) FROM s")))
    }

    @Test("CDF of histograms uses bucket upper bounds")
    func histogramCDF() throws {
        let session = try Self.session([1, 5, 12, 40, 20000])
        let text = try session.scalar(
            "SELECT CDF(h) FROM (SELECT HISTOGRAM(x, EXPONENTIAL(1, 10000, 50)) AS h FROM s) t")
        // Buckets [1, 2), [5, 6), [12, 14), [40, 48) and the overflow bucket at 10000.
        #expect(text == .string("[[2,0.2],[6,0.4],[14,0.6],[48,0.8],[10000,1]]"))
    }

    @Test("invalid CDF arguments")
    func errors() throws {
        let session = try Self.session([1, 2])
        let count = try #require(throws: TeleError.self) { try session.execute("SELECT CDF(x, 1) FROM s") }
        #expect(count.state.code == "22023")
        let text = try #require(throws: TeleError.self) { try session.execute("SELECT * FROM cdf_points('[[1,2],[3]')") }
        #expect(text.state.code == "22P02")
    }
}
