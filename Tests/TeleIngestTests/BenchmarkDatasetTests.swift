// Checks of the benchmark data set generator: the same seed writes the same bytes, every
// row's sample_id follows Mozilla's rule for its client_id, and the three files agree.

import Foundation
import Testing
@testable import TeleIngest

@Suite struct BenchmarkDatasetTests {
    /// Writes a data set into a fresh temporary directory and returns the directory.
    private func writeDataset(pings: Int, seed: UInt64) throws -> (URL, BenchmarkDatasetSummary) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teledb-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let summary = try BenchmarkDataset(pingCount: pings, seed: seed).write(to: directory.path)
        return (directory, summary)
    }

    private func records(_ directory: URL, _ name: String) throws -> [[String]] {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        // Only histogram_values.csv quotes a field, and it is the last one, so splitting the
        // first fields on commas is safe for the columns checked here.
        return text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func sameSeedSameBytes() throws {
        let (first, _) = try writeDataset(pings: 2000, seed: 7)
        let (second, _) = try writeDataset(pings: 2000, seed: 7)
        let (other, _) = try writeDataset(pings: 2000, seed: 8)
        defer {
            for directory in [first, second, other] { try? FileManager.default.removeItem(at: directory) }
        }
        for name in ["pings.csv", "histograms.csv", "histogram_values.csv"] {
            let firstBytes = try Data(contentsOf: first.appendingPathComponent(name))
            #expect(firstBytes.count > 10_000, "\(name) is nearly empty")
            #expect(firstBytes == (try Data(contentsOf: second.appendingPathComponent(name))), "\(name) differs for seed 7")
            #expect(firstBytes != (try Data(contentsOf: other.appendingPathComponent(name))), "\(name) ignores the seed")
        }
    }

    @Test func sampleIDFollowsClientID() throws {
        let (directory, _) = try writeDataset(pings: 3000, seed: 1)
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["pings.csv", "histograms.csv", "histogram_values.csv"] {
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
        let pings = try records(directory, "pings.csv")
        let histograms = try records(directory, "histograms.csv")
        let values = try records(directory, "histogram_values.csv")

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
