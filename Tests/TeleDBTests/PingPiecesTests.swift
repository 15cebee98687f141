// Large ping files are read in pieces; the rows and rejection lines must not depend on where
// the pieces end.

import Foundation
import Testing
import TeleCore
@testable import TeleDB

@Suite("Ping file pieces")
struct PingPiecesTests {
    @Test("pieces give the rows of a whole read")
    func piecesMatchWholeFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let generated = directory.path("generated.ndjson")
        try Database.generatePings(count: 60, seed: 9, to: generated)
        // A bad document on line 31 of 61.
        var lines = try String(contentsOfFile: generated, encoding: .utf8).split(separator: "\n").map(String.init)
        lines.insert("{\"type\": \"main\", \"id\": \"broken\"", at: 30)
        let file = directory.path("mixed.ndjson")
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)

        let whole = Database.inMemory()
        let wholeReport = try whole.ingestPings(files: [file], options: PingIngestOptions())
        let pieced = Database.inMemory()
        let piecedReport = try pieced.ingestPings(
            files: [file], options: PingIngestOptions(), pieceBytes: 20_000, progress: nil)

        #expect(wholeReport.pings == 60)
        #expect(piecedReport.pings == 60)
        #expect(piecedReport.files == 1)
        #expect(piecedReport.histograms == wholeReport.histograms)
        let wholeSession = whole.connect()
        let piecedSession = pieced.connect()
        for query in [
            "SELECT count(*) FROM histograms", "SELECT count(DISTINCT document_id) FROM pings",
            "SELECT sum(histogram_count) FROM pings",
        ] {
            #expect(try piecedSession.count(query) == wholeSession.count(query), "\(query)")
        }
        let rejected = try piecedSession.execute("SELECT line, reason FROM rejected_pings")[0].rows
        #expect(rejected.count == 1)
        #expect(rejected.first?[0] == .integer(31))
        guard case .string(let reason) = rejected.first?[1] else {
            Issue.record("the rejection has no reason")
            return
        }
        #expect(reason.contains(":31:"), "\(reason)")
    }

    @Test("a pretty-printed document is never split")
    func prettyDocumentStaysWhole() throws {
        guard let telemetry = TestPaths.telemetry else { return }
        let file = telemetry.appendingPathComponent("pings/pass/main.4.sample.pass.json").path
        let database = Database.inMemory()
        let report = try database.ingestPings(files: [file], options: PingIngestOptions(), pieceBytes: 4_096, progress: nil)
        #expect(report.pings == 1)
        #expect(report.rejected == 0)
    }

    @Test("a missing file fails the ingest in file order")
    func missingFileFails() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let good = directory.path("good.ndjson")
        try Database.generatePings(count: 20, seed: 4, to: good)
        let missing = directory.path("missing.ndjson")
        let database = Database.inMemory()

        // The reading thread fails on the second file, after the first file's piece.
        #expect {
            _ = try database.ingestPings(files: [good, missing, good], options: PingIngestOptions())
        } throws: { error in
            (error as? TeleError)?.state == .ioError && "\(error)".contains("missing.ndjson")
        }

        // The failed batch was rolled back, and the next ingest runs normally.
        let report = try database.ingestPings(files: [good], options: PingIngestOptions())
        #expect(report.pings == 20)
        #expect(try database.connect().count("SELECT count(*) FROM pings") == 20)
    }

    @Test("no files create no tables")
    func noFiles() throws {
        let database = Database.inMemory()
        let report = try database.ingestPings(files: [], options: PingIngestOptions())
        #expect(report.files == 0)
        #expect(throws: TeleError.self) { try database.connect().count("SELECT count(*) FROM pings") }
    }
}
