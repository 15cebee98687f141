// A throughput check to run by hand in release builds. It measures thread CPU time and
// prints, and asserts only that the work succeeded, because timings on shared machines vary
// too much to gate on:
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
    /// CPU time of the calling thread, so that results stay comparable when other processes
    /// load the machine; each measurement runs synchronously on one thread.
    private func seconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// Runs `body` in five rounds of about 0.3 s of CPU time each and prints the best round as
    /// MB of input per CPU second.
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
        print("\(label): \(Double(bytes) / best / 1e6) MB per CPU second")
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
        // The sample ping repeated on single lines, as NDJSON export files contain them.
        var line = try TestData.bytes("pings/pass/main.4.sample.pass.json")
        line.removeAll { $0 == 0x0A }
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

    @Test func generatedPings() throws {
        let count = 2000
        var file: [UInt8] = []
        let start = seconds()
        for document in PingGenerator(seed: 1).generate(count: count) {
            file += document
            file.append(0x0A)
        }
        print("generate \(count) pings: \(Double(count) / (seconds() - start)) pings per CPU second, \(file.count / count) bytes each")

        let ingestor = PingIngestor()
        measure("ingest generated NDJSON", bytes: file.count) {
            #expect(ingestor.ingest(fileBytes: file, fileName: "generated").pingCount == count)
        }
        guard TestData.available else { return }
        let validator = try JSONSchemaValidator(path: TestData.telemetryFolder + "/schema/main.4.schema.json")
        let checked = PingIngestor(schemaValidator: validator)
        measure("ingest generated NDJSON with schema", bytes: file.count) {
            #expect(checked.ingest(fileBytes: file, fileName: "generated").pingCount == count)
        }
    }

    @Test func csvAndNDJSONReaders() throws {
        let schema = TableSchema(
            name: "t",
            columns: [
                ColumnSchema(name: "id", type: .bigint), ColumnSchema(name: "name", type: .varchar),
                ColumnSchema(name: "score", type: .double), ColumnSchema(name: "at", type: .timestamp),
            ])
        var csv: [UInt8] = []
        var ndjson: [UInt8] = []
        for row in 0..<200_000 {
            csv += Array("\(row),name \(row % 97),\(Double(row) / 8),2024-03-01 12:34:56\n".utf8)
            ndjson += Array("{\"id\":\(row),\"name\":\"name \(row % 97)\",\"score\":\(Double(row) / 8),\"at\":\"2024-03-01 12:34:56\"}\n".utf8)
        }
        try measure("readCSV", bytes: csv.count) {
            let chunks = try readCSV(bytes: csv, schema: schema, header: false)
            #expect(chunks.count == 98)
        }
        try measure("readNDJSON", bytes: ndjson.count) {
            let chunks = try readNDJSON(bytes: ndjson, schema: schema)
            #expect(chunks.count == 98)
        }
    }
}
