// Exact table contents after ingest, pinned by MD5 digests that the row-by-row ingest
// (JSONDocument nodes, flattened one member look-up at a time) produced before the ingest
// was rewritten for speed. Any change to a stored value, a NULL, a row count or a rejection
// reason changes a digest.
//
// A digest covers every row of a table rendered as text, one line per row, with the lines
// sorted, so it does not depend on the order in which ingest appends rows. The
// `rejected_at` column contains the ingest time and is left out. The file names in
// `rejected_pings` are taken relative to the shared data folder.

import Foundation
import Testing
import TeleCore
@testable import TeleDB

@Suite("Ingest content digests", .serialized)
struct IngestContentTests {
    /// Computes the MD5 of the sorted text rows of `sql`'s result, with `prefix` removed from
    /// every value that starts with it.
    static func digest(_ session: Session, _ sql: String, strippingPrefix prefix: String = "\u{0}") throws -> String {
        let rows = try session.execute(sql)[0].rows
        var lines = rows.map { row in
            row.map { value in
                let text = value.description
                return text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text
            }.joined(separator: "\u{1F}")
        }
        lines.sort()
        return MD5.hexDigest(lines.joined(separator: "\n"))
    }

    static func jsonFiles(_ folder: URL) throws -> [String] {
        try PingIngestTests.jsonFiles(folder).map(\.path)
    }

    /// Generated NDJSON with two broken lines and one document of another type among the
    /// good ones, so the digests also cover rejections and the resumption after them.
    static func writeGeneratedFile(to path: String) throws {
        try Database.generatePings(count: 300, seed: 5, to: path)
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        lines.insert("{\"type\":\"main\",\"id\":\"broken-1\",\"payload\":{", at: 40)
        lines.insert("{\"type\":\"crash\",\"id\":\"crash-1\",\"version\":4}", at: 120)
        lines.insert("{\"type\":\"main\" \"id\":\"broken-2\"}", at: 250)
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("real pass pings keep their exact contents")
    func realPassPings() throws {
        guard let telemetry = TestPaths.telemetry else { return }
        let files = try Self.jsonFiles(telemetry.appendingPathComponent("pings/pass"))
        let session = Database.inMemory().connect()
        _ = try session.database.ingestPings(files: files, options: PingIngestOptions())

        #expect(try Self.digest(session, "SELECT * FROM pings") == "4485c40caa9c6f40ba18f7cf7952f428")
        #expect(try Self.digest(session, "SELECT * FROM histograms") == "e8211905907c492d9f821f453546f474")
        #expect(try Self.digest(session, "SELECT * FROM scalars") == "f76daf25f06e070eea98d81927311fa1")
    }

    @Test("real fail pings keep their exact rejections")
    func realFailPings() throws {
        guard let telemetry = TestPaths.telemetry else { return }
        let files = try Self.jsonFiles(telemetry.appendingPathComponent("pings/pass"))
            + Self.jsonFiles(telemetry.appendingPathComponent("pings/fail"))
        let schema = telemetry.appendingPathComponent("schema/main.4.schema.json").path
        let session = Database.inMemory().connect()
        _ = try session.database.ingestPings(files: files, options: PingIngestOptions(schemaPath: schema))

        let rejected = "SELECT file, line, document_id, reason, path FROM rejected_pings"
        let prefix = telemetry.path + "/"
        #expect(try Self.digest(session, rejected, strippingPrefix: prefix) == "f3c3a63d5704a2da975ee1bd9a9b4785")
        #expect(try Self.digest(session, "SELECT * FROM pings") == "4485c40caa9c6f40ba18f7cf7952f428")
    }

    @Test("generated pings keep their exact contents in pieces")
    func generatedPings() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path("generated.ndjson")
        try Self.writeGeneratedFile(to: file)

        // Pieces of about 200 KB cut the 3 MB file at many document starts, and 4 threads
        // cut a whole-file piece into 3 parts of at least 1 MB. Every way gives the digests
        // of the whole file read by one thread, with file lines and byte offsets in reasons.
        for (pieceBytes, threads) in [(200_000, 1), (64 << 20, 1), (64 << 20, 4)] {
            let session = Database.inMemory().connect()
            let report = try session.database.ingestPings(
                files: [file], options: PingIngestOptions(), pieceBytes: pieceBytes, threads: threads, progress: nil)
            #expect(report.pings == 300)
            #expect(report.rejected == 3)

            let rejected = "SELECT file, line, document_id, reason, path FROM rejected_pings"
            let prefix = directory.url.path + "/"
            #expect(try Self.digest(session, rejected, strippingPrefix: prefix) == "09bd34c935e1599d5dfa0724bd650940")
            #expect(try Self.digest(session, "SELECT * FROM pings") == "98283946348750d953499f1b21d731f1")
            #expect(try Self.digest(session, "SELECT * FROM histograms") == "17abb4b1ec4d8b21eb8e8967fbba4bd3")
            #expect(try Self.digest(session, "SELECT * FROM scalars") == "980cc32ab42e4f81363d70727aa174b2")
        }
    }
}
