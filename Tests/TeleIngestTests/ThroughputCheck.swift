// A throughput check to run by hand in release builds; it measures and prints, and asserts
// only that the work succeeded, because timings on shared machines vary too much to gate on:
//
//     TELEDB_THROUGHPUT=1 swift test -c release --filter ThroughputCheck

import Testing
import TeleCore
import TeleIngest

#if canImport(Glibc)
import Glibc
#endif

@Suite(.enabled(if: getenv("TELEDB_THROUGHPUT") != nil, "set TELEDB_THROUGHPUT=1 to run"))
struct ThroughputCheck {
    private func seconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// Runs `body` over `bytes` for about a second, best of five rounds, and prints MB/s.
    private func measure(_ label: String, bytes: Int, _ body: () throws -> Void) rethrows {
        var best = Double.infinity
        var iterations = 1
        for _ in 0..<5 {
            let start = seconds()
            for _ in 0..<iterations { try body() }
            let elapsed = (seconds() - start) / Double(iterations)
            best = min(best, elapsed)
            iterations = max(1, Int(0.3 / max(elapsed, 1e-6)))
        }
        print("\(label): \(Double(bytes) / best / 1e6) MB/s")
    }

    @Test func parseAndIngestSamplePings() throws {
        guard TestData.available else { return }
        for name in ["main.4.sample.pass.json", "main.4.gc_sample.pass.json"] {
            let bytes = try TestData.bytes("pings/pass/" + name)
            try measure("parse \(name)", bytes: bytes.count) {
                let document = try JSONParser().parse(bytes)
                #expect(document.nodes.count > 1000)
            }
            let ingestor = PingIngestor()
            measure("ingest \(name)", bytes: bytes.count) {
                let batch = ingestor.ingest(fileBytes: bytes, fileName: name)
                #expect(batch.pingCount == 1)
            }
        }
    }

    @Test func ingestNDJSON() throws {
        guard TestData.available else { return }
        // The sample ping repeated on single lines, as NDJSON export files hold them.
        let single = try JSONParser().parse(try TestData.bytes("pings/pass/main.4.sample.pass.json"))
        var line = try TestData.bytes("pings/pass/main.4.sample.pass.json")
        line.removeAll { $0 == 0x0A }
        _ = single
        var file: [UInt8] = []
        for _ in 0..<50 {
            file += line
            file.append(0x0A)
        }
        let ingestor = PingIngestor()
        measure("ingest NDJSON of 50 sample pings", bytes: file.count) {
            let batch = ingestor.ingest(fileBytes: file, fileName: "bench.ndjson")
            #expect(batch.pingCount == 50)
        }
    }
}
