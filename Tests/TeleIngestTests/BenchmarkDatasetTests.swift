// Checks of the benchmark data set generator: the same seed writes the same bytes, every
// row's sample_id follows Mozilla's rule for its client_id, and the three files agree.

import Foundation
import Testing
@testable import TeleIngest

@Suite struct BenchmarkDatasetTests {
    private static let tables = ["pings", "histograms", "histogram_values"]

    /// Writes a data set into a fresh temporary directory and returns the directory.
    private func writeDataset(pings: Int, seed: UInt64, pingsPerFile: Int = 1_000_000) throws -> (URL, BenchmarkDatasetSummary) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teledb-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let summary = try BenchmarkDataset(pingCount: pings, seed: seed, pingsPerFile: pingsPerFile).write(to: directory.path)
        return (directory, summary)
    }

    /// Returns the bytes of every file of `table`, in file order.
    private func files(_ directory: URL, _ table: String) throws -> [Data] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix(table + "-") && $0.hasSuffix(".csv") }.sorted()
        return try names.map { try Data(contentsOf: directory.appendingPathComponent($0)) }
    }

    /// Returns the header and then every record of `table`'s files, split into fields.
    private func records(_ directory: URL, _ table: String) throws -> [[String]] {
        var result: [[String]] = []
        for (index, bytes) in try files(directory, table).enumerated() {
            let text = String(decoding: bytes, as: UTF8.self)
            // Only histogram_values quotes a field, and it is the last one, so splitting the
            // first fields on commas is safe for the columns checked here.
            let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            result += index == 0 ? lines : Array(lines.dropFirst())
        }
        return result
    }

    @Test func sameSeedSameBytes() throws {
        let (first, _) = try writeDataset(pings: 2000, seed: 7)
        let (second, _) = try writeDataset(pings: 2000, seed: 7)
        let (other, _) = try writeDataset(pings: 2000, seed: 8)
        defer {
            for directory in [first, second, other] { try? FileManager.default.removeItem(at: directory) }
        }
        for table in BenchmarkDatasetTests.tables {
            let firstFiles = try files(first, table)
            #expect(firstFiles.count == 1)
            #expect(firstFiles.first?.count ?? 0 > 10_000, "\(table) is nearly empty")
            #expect(firstFiles == (try files(second, table)), "\(table) differs for seed 7")
            #expect(firstFiles != (try files(other, table)), "\(table) ignores the seed")
        }
    }

    @Test func splitFilesConcatenate() throws {
        let (whole, wholeSummary) = try writeDataset(pings: 2500, seed: 5)
        let (split, splitSummary) = try writeDataset(pings: 2500, seed: 5, pingsPerFile: 1000)
        defer {
            for directory in [whole, split] { try? FileManager.default.removeItem(at: directory) }
        }
        #expect(splitSummary == wholeSummary)
        for table in BenchmarkDatasetTests.tables {
            #expect(try files(split, table).count == 3)
            #expect(try records(split, table) == (try records(whole, table)), "\(table) changes when split")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: split.path).sorted()
        #expect(names.contains("pings-001.csv"))
        #expect(names.contains("pings-003.csv"))
    }

    @Test func sampleIDFollowsClientID() throws {
        let (directory, _) = try writeDataset(pings: 3000, seed: 1)
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in BenchmarkDatasetTests.tables {
            let rows = try records(directory, name)
            #expect(rows.first?[1] == "client_id")
            #expect(rows.first?[2] == "sample_id")
            var seenSampleIDs = Set<String>()
            for row in rows.dropFirst() {
                #expect(row[2] == String(sampleID(clientID: row[1])), "\(name): client \(row[1])")
                seenSampleIDs.insert(row[2])
            }
            // About 750 clients spread over the 100 buckets.
            #expect(seenSampleIDs.count > 90, "\(name) covers only \(seenSampleIDs.count) sample_ids")
        }
    }

    @Test func filesAgreeOnRowsAndClients() throws {
        let (directory, summary) = try writeDataset(pings: 3000, seed: 3)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pings = try records(directory, "pings")
        let histograms = try records(directory, "histograms")
        let values = try records(directory, "histogram_values")

        #expect(pings.first == BenchmarkDataset.pingColumns)
        #expect(histograms.first == BenchmarkDataset.histogramColumns)
        #expect(pings.count - 1 == summary.pingRows)
        #expect(histograms.count - 1 == summary.histogramRows)
        #expect(values.count - 1 == summary.histogramValueRows)
        #expect(summary.histogramValueRows > 1000)

        // Several pings per client, fewer clients than pings, and dates in order.
        let clients = Set(pings.dropFirst().map { $0[1] })
        #expect(clients.count < 3000 / 2)
        #expect(clients.count > 300)
        let dates = pings.dropFirst().map { $0[3] }
        #expect(dates == dates.sorted())
        #expect(dates.first == "2024-03-01")
        #expect(dates.last == "2024-03-28")

        // Every bucket row belongs to a ping, and the bucket counts of each (ping, metric)
        // add up to the count in its JSON value.
        let documents = Set(pings.dropFirst().map { $0[0] })
        #expect(histograms.dropFirst().allSatisfy { documents.contains($0[0]) })
        var bucketTotals: [String: Int64] = [:]
        for row in histograms.dropFirst() { bucketTotals[row[0] + row[7], default: 0] += Int64(row[9]) ?? -1_000_000 }
        #expect(bucketTotals.count == summary.histogramValueRows)
        #expect(bucketTotals.values.allSatisfy { $0 >= 1 })
    }
}
