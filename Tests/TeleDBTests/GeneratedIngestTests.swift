// Ingest of generated pings, checked against counts that Foundation's JSON parser takes
// from the same file. The default run uses 2,000 pings; TELEDB_SLOW=1 raises it to 100,000.

import Foundation
import Testing
import TeleCore
@testable import TeleDB

@Suite("Generated ping ingest", .serialized)
struct GeneratedIngestTests {
    static var pingCount: Int {
        ProcessInfo.processInfo.environment["TELEDB_SLOW"] == "1" ? 100_000 : 2_000
    }

    /// Per-channel ping counts, distinct clients and histogram rows of an NDJSON file.
    static func expectedCounts(of path: String) throws -> (channels: [String: Int64], clients: Int, histograms: Int) {
        var channels: [String: Int64] = [:]
        var clients = Set<String>()
        var histograms = 0
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for line in text.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            let application = object["application"] as? [String: Any] ?? [:]
            channels[application["channel"] as? String ?? "", default: 0] += 1
            if let client = object["clientId"] as? String { clients.insert(client) }
            let payload = object["payload"] as? [String: Any] ?? [:]
            histograms += PingIngestTests.histogramRows(payload)
            for case let process as [String: Any] in (payload["processes"] as? [String: Any] ?? [:]).values {
                histograms += PingIngestTests.histogramRows(process)
            }
        }
        return (channels, clients.count, histograms)
    }

    @Test("generated pings load with correct counts")
    func generatedCounts() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path("generated.ndjson")
        try Database.generatePings(count: Self.pingCount, seed: 11, to: file)
        let expected = try Self.expectedCounts(of: file)

        do {
            let database = try Database.open(path: directory.path("db"))
            let report = try database.ingestPings(files: [file], options: PingIngestOptions())
            #expect(report.rejected == 0)
            #expect(report.pings == Self.pingCount)
        }

        let session = try Database.open(path: directory.path("db")).connect()
        #expect(try session.count("SELECT count(*) FROM pings") == Int64(Self.pingCount))
        #expect(try session.count("SELECT count(DISTINCT client_id) FROM pings") == Int64(expected.clients))
        #expect(try session.count("SELECT count(*) FROM histograms") == Int64(expected.histograms))
        #expect(try session.count("SELECT sum(histogram_count) FROM pings") == Int64(expected.histograms))
        let rows = try session.execute("SELECT channel, count(*) FROM pings GROUP BY channel")[0].rows
        var channels: [String: Int64] = [:]
        for row in rows {
            if case .string(let channel) = row[0], case .integer(let count) = row[1] { channels[channel] = count }
        }
        #expect(channels == expected.channels)
        // A join between the ingested tables agrees with the denormalized columns.
        #expect(
            try session.count(
                "SELECT count(*) FROM histograms h JOIN pings p ON p.document_id = h.document_id WHERE p.channel = h.channel")
                == Int64(expected.histograms))
    }

    @Test("generator is deterministic")
    func deterministic() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Database.generatePings(count: 50, seed: 3, to: directory.path("a"))
        try Database.generatePings(count: 50, seed: 3, to: directory.path("b"))
        try Database.generatePings(count: 50, seed: 4, to: directory.path("c"))
        let first = try Data(contentsOf: URL(fileURLWithPath: directory.path("a")))
        #expect(first == (try Data(contentsOf: URL(fileURLWithPath: directory.path("b")))))
        #expect(first != (try Data(contentsOf: URL(fileURLWithPath: directory.path("c")))))
    }
}
