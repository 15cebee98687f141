// Ingest of the real Firefox pings, checked against counts taken from the same files with
// Foundation's JSON parser, which shares no code with TeleDB's.

import Foundation
import Testing
import TeleCore
@testable import TeleDB

@Suite("Ping ingest")
struct PingIngestTests {
    /// Counts of one file's documents, taken independently of TeleIngest.
    struct ExpectedCounts {
        var histograms = 0
        var clientIDs = Set<String>()
    }

    static func expectedCounts(_ files: [URL]) throws -> ExpectedCounts {
        var counts = ExpectedCounts()
        for file in files {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
            if let client = object?["clientId"] as? String { counts.clientIDs.insert(client) }
            guard let payload = object?["payload"] as? [String: Any] else { continue }
            counts.histograms += histogramRows(payload)
            for case let process as [String: Any] in (payload["processes"] as? [String: Any] ?? [:]).values {
                counts.histograms += histogramRows(process)
            }
        }
        return counts
    }

    /// Unkeyed histograms count one row each, keyed histograms one row per key.
    static func histogramRows(_ section: [String: Any]) -> Int {
        let plain = (section["histograms"] as? [String: Any])?.count ?? 0
        let keyed = (section["keyedHistograms"] as? [String: Any] ?? [:]).values
            .reduce(0) { $0 + (($1 as? [String: Any])?.count ?? 0) }
        return plain + keyed
    }

    static func jsonFiles(_ folder: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
    }

    @Test("real pass pings load with correct counts")
    func passPings() throws {
        guard let telemetry = TestPaths.telemetry else { return }
        let files = try Self.jsonFiles(telemetry.appendingPathComponent("pings/pass"))
        let expected = try Self.expectedCounts(files)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }

        do {
            let database = try Database.open(path: directory.path("pings.tdb"))
            let report = try database.ingestPings(files: files.map(\.path), options: PingIngestOptions())
            #expect(report.rejected == 0)
            #expect(report.pings == files.count)
        }

        // Reopen, so the counts come from the files on disk.
        let session = try Database.open(path: directory.path("pings.tdb")).connect()
        #expect(try session.count("SELECT count(*) FROM pings") == Int64(files.count))
        #expect(try session.count("SELECT count(DISTINCT client_id) FROM pings") == Int64(expected.clientIDs.count))
        #expect(try session.count("SELECT count(*) FROM histograms") == Int64(expected.histograms))
        #expect(try session.count("SELECT count(*) FROM rejected_pings") == 0)
        let gcRows = try session.count("SELECT count(*) FROM histograms WHERE metric = 'GC_MS'")
        #expect(gcRows > 0)
    }

    @Test("fail pings are rejected with reasons and lose nothing else")
    func failPings() throws {
        guard let telemetry = TestPaths.telemetry else { return }
        let passFiles = try Self.jsonFiles(telemetry.appendingPathComponent("pings/pass"))
        let failFiles = try Self.jsonFiles(telemetry.appendingPathComponent("pings/fail"))
        let schema = telemetry.appendingPathComponent("schema/main.4.schema.json").path
        let session = Database.inMemory().connect()

        let options = PingIngestOptions(schemaPath: schema)
        let report = try session.database.ingestPings(files: (passFiles + failFiles).map(\.path), options: options)
        #expect(report.rejected == failFiles.count)
        #expect(report.pings == passFiles.count)
        #expect(try session.count("SELECT count(*) FROM pings") == Int64(passFiles.count))
        #expect(try session.count("SELECT count(*) FROM rejected_pings") == Int64(failFiles.count))
        let reasons = try session.execute("SELECT file, reason FROM rejected_pings ORDER BY file")[0].rows
        for (row, file) in zip(reasons, failFiles) {
            #expect(row[0] == .string(file.path))
            guard case .string(let reason) = row[1] else {
                Issue.record("rejection of \(file.lastPathComponent) has no reason")
                continue
            }
            #expect(reason.contains("$"), "reason names a JSON path: \(reason)")
        }
    }

    @Test("dedupe drops documents already stored")
    func dedupe() throws {
        guard let telemetry = TestPaths.telemetry else { return }
        let files = try Self.jsonFiles(telemetry.appendingPathComponent("pings/pass")).map(\.path)
        let database = Database.inMemory()
        let session = database.connect()
        let first = try database.ingestPings(files: files, options: PingIngestOptions(dedupe: true))
        let histograms = try session.count("SELECT count(*) FROM histograms")
        let second = try database.ingestPings(files: files, options: PingIngestOptions(dedupe: true))
        // The real files reuse document ids, so the first ingest already drops some.
        #expect(first.pings + first.duplicates == files.count)
        #expect(second.pings == 0)
        #expect(second.duplicates == files.count)
        #expect(try session.count("SELECT count(*) FROM histograms") == histograms)
        #expect(
            try session.count("SELECT count(*) FROM pings")
                == session.count("SELECT count(DISTINCT document_id) FROM pings"))
    }

    @Test("dates outside the range reject the ping or become NULL")
    func outOfRangeDates() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let generated = directory.path("generated.ndjson")
        try Database.generatePings(count: 3, seed: 5, to: generated)
        var lines = try String(contentsOfFile: generated, encoding: .utf8).split(separator: "\n").map(String.init)
        try #require(lines.count == 3)
        // Ping 0: a creation time past the last accepted year. Ping 1: a profile creation
        // day no DATE can hold.
        lines[0] = lines[0].replacingOccurrences(
            of: #""creationDate":"\d{4}-"#, with: #""creationDate":"294250-"#, options: .regularExpression)
        lines[1] = lines[1].replacingOccurrences(
            of: #""profile":\{"creationDate":\d+"#, with: #""profile":{"creationDate":9223372036854775807"#,
            options: .regularExpression)
        let edited = directory.path("edited.ndjson")
        try lines.joined(separator: "\n").write(toFile: edited, atomically: true, encoding: .utf8)

        let database = Database.inMemory()
        let report = try database.ingestPings(files: [edited], options: PingIngestOptions())
        #expect(report.pings == 2)
        #expect(report.rejected == 1)
        let session = database.connect()
        let reason = try session.scalar("SELECT reason FROM rejected_pings")
        #expect(reason.description.contains("294250"))
        #expect(try session.count("SELECT count(*) FROM pings WHERE profile_creation_date IS NULL") == 1)
        // Every stored date prints.
        _ = try session.execute("SELECT creation_time, profile_creation_date FROM pings")
    }

    @Test("ingest without dedupe keeps repeated documents")
    func keepsRepeats() throws {
        guard let telemetry = TestPaths.telemetry else { return }
        let files = try Self.jsonFiles(telemetry.appendingPathComponent("pings/pass")).map(\.path)
        let database = Database.inMemory()
        _ = try database.ingestPings(files: files, options: PingIngestOptions())
        _ = try database.ingestPings(files: files, options: PingIngestOptions())
        #expect(try database.connect().count("SELECT count(*) FROM pings") == Int64(2 * files.count))
    }
}
