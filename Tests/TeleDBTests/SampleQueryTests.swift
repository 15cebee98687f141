// SAMPLE ... BY client_id on ingested generated pings: the same clients in every table,
// exactly the rows of the chosen sample_ids, and the scaled count.

import Foundation
import Testing
import TeleCore
@testable import TeleDB

@Suite("Sampling ingested pings", .serialized)
struct SampleQueryTests {
    @Test("same client set across tables")
    func sameClients() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path("pings.ndjson")
        try Database.generatePings(count: 1500, seed: 21, to: file)
        let database = try Database.open(path: directory.path("db"))
        _ = try database.ingestPings(files: [file], options: PingIngestOptions())
        let session = database.connect()

        func clients(_ sql: String) throws -> Set<String> {
            Set(try session.execute(sql)[0].rows.compactMap { row in
                if case .string(let text) = row[0] { return text }
                return nil
            })
        }
        let pings = try clients("SELECT DISTINCT client_id FROM pings SAMPLE 10 PERCENT BY client_id")
        let histograms = try clients("SELECT DISTINCT client_id FROM histograms SAMPLE 10 PERCENT BY client_id")
        let histogramClients = try clients("SELECT DISTINCT client_id FROM histograms")
        #expect(!pings.isEmpty)
        #expect(histograms == pings.intersection(histogramClients))
        #expect(pings.allSatisfy { SampleBucketReference.sampleID($0) < 10 })

        let sampled = try session.count("SELECT count(*) FROM pings SAMPLE 10 PERCENT BY client_id")
        #expect(try session.count("SELECT count(*) FROM pings WHERE sample_id < 10") == sampled)
        let scaled = try session.scalar("SELECT count(*) * sample_factor() FROM pings SAMPLE 10 PERCENT BY client_id")
        #expect(scaled == .double(Double(sampled) * 10))
    }
}

/// CRC-32 written bit by bit, independent of the engine's table-driven one.
enum SampleBucketReference {
    static func sampleID(_ clientID: String) -> Int64 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in clientID.lowercased().utf8 {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return Int64(~crc % 100)
    }
}
