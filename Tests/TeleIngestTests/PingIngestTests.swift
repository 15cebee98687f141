// Ping ingest: row counts against independent counts, rejections with reasons, mixed files.

import Testing
import TeleCore
@testable import TeleIngest

@Suite struct PingIngestTests {
    private func column(_ schema: TableSchema, _ name: String) throws -> Int {
        try #require(schema.columnIndex(name), "no column \(name)")
    }

    private func rows(_ chunks: [DataChunk]) -> [[Value]] {
        chunks.flatMap { chunk in (0..<chunk.count).map { chunk.row($0) } }
    }

    /// Counts histogram entries by walking the document directly, independent of the
    /// flattener: unkeyed members plus keyed entries, in the payload and in every process.
    private func countHistograms(_ document: JSONDocument) -> (histograms: Int, scalars: Int) {
        guard let payload = document.member(0, "payload") else { return (0, 0) }
        var sections = [payload]
        if let processes = document.member(payload, "processes") {
            document.forEachMember(processes) { _, process in sections.append(process) }
        }
        var histograms = 0
        var scalars = 0
        for section in sections {
            if let unkeyed = document.member(section, "histograms") { histograms += document.childCount(unkeyed) }
            if let keyed = document.member(section, "keyedHistograms") {
                document.forEachMember(keyed) { _, entries in histograms += document.childCount(entries) }
            }
            if section == payload { continue }
            if let unkeyed = document.member(section, "scalars") { scalars += document.childCount(unkeyed) }
            if let keyed = document.member(section, "keyedScalars") {
                document.forEachMember(keyed) { _, entries in scalars += document.childCount(entries) }
            }
        }
        return (histograms, scalars)
    }

    @Test func everyPassPingLoads() throws {
        guard TestData.available else { return }
        let ingestor = PingIngestor()
        for name in TestData.passPings {
            let bytes = try TestData.bytes("pings/pass/" + name)
            let batch = ingestor.ingest(fileBytes: bytes, fileName: name)
            #expect(batch.rejections.isEmpty, "\(name): \(batch.rejections)")
            #expect(batch.pingCount == 1, "\(name)")
            let expected = countHistograms(try JSONParser().parse(bytes))
            #expect(batch.histogramCount == expected.histograms, "\(name)")
            #expect(batch.scalarCount == expected.scalars, "\(name)")
            #expect(batch.histograms.reduce(0) { $0 + $1.count } == expected.histograms, "\(name)")
        }
    }

    @Test func sampleCountsMatchPythonCount() throws {
        guard TestData.available else { return }
        // Counted with Python's json module: 476 + keyed entries of payload.histograms and
        // keyedHistograms plus the content and gpu processes.
        let bytes = try TestData.bytes("pings/pass/main.4.sample.pass.json")
        let batch = PingIngestor().ingest(fileBytes: bytes, fileName: "sample")
        #expect(batch.histogramCount == 717)
        #expect(batch.scalarCount == 7)
        let gc = PingIngestor().ingest(fileBytes: try TestData.bytes("pings/pass/main.4.gc_sample.pass.json"), fileName: "gc")
        #expect(gc.histogramCount == 87)
        #expect(gc.scalarCount == 14)
    }

    @Test func samplePingRowValues() throws {
        guard TestData.available else { return }
        let bytes = try TestData.bytes("pings/pass/main.4.sample.pass.json")
        let batch = PingIngestor().ingest(fileBytes: bytes, fileName: "sample")
        let ping = try #require(rows(batch.pings).first)
        let schema = PingTables.pings
        #expect(ping[try column(schema, "document_id")] == .string("0fdac909-d2ec-454c-b625-261a3e5d5c9b"))
        #expect(ping[try column(schema, "client_id")] == .string("6fd3eb50-8bec-4b9c-8778-59406171312a"))
        let expectedSample = sampleID(clientID: "6fd3eb50-8bec-4b9c-8778-59406171312a")
        #expect(ping[try column(schema, "sample_id")] == .integer(expectedSample))
        #expect(ping[try column(schema, "creation_time")] == .timestamp(try #require(DateTime.parseTimestamp("2015-11-05T01:25:43.312Z"))))
        #expect(ping[try column(schema, "submission_time")] == ping[try column(schema, "creation_time")])
        #expect(ping[try column(schema, "channel")] == .string("beta"))
        #expect(ping[try column(schema, "version")] == .string("45.0"))
        #expect(ping[try column(schema, "display_version")] == .string("45.0b6"))
        #expect(ping[try column(schema, "build_id")] == .string("20151103030248"))
        #expect(ping[try column(schema, "os")] == .string("Darwin"))
        #expect(ping[try column(schema, "os_version")] == .string("14.5.0"))
        #expect(ping[try column(schema, "locale")] == .string("en-US"))
        #expect(ping[try column(schema, "reason")] == .string("shutdown"))
        #expect(ping[try column(schema, "subsession_length")] == .integer(38376))
        #expect(ping[try column(schema, "session_length")] == .integer(44180))
        #expect(ping[try column(schema, "profile_subsession_counter")] == .integer(197))
        #expect(ping[try column(schema, "cpu_count")] == .integer(8))
        #expect(ping[try column(schema, "memory_mb")] == .integer(16384))
        #expect(ping[try column(schema, "is_default_browser")] == .boolean(true))
        #expect(ping[try column(schema, "uptime")] == .integer(1318))
        #expect(ping[try column(schema, "total_time")] == .integer(79083))
        #expect(ping[try column(schema, "session_restored")] == .integer(2481))
        #expect(ping[try column(schema, "distribution_id")] == .null)
        #expect(ping[try column(schema, "histogram_count")] == .integer(717))
    }

    @Test func histogramRowsCarryProcessKeyAndBuckets() throws {
        guard TestData.available else { return }
        let bytes = try TestData.bytes("pings/pass/main.4.sample.pass.json")
        let batch = PingIngestor().ingest(fileBytes: bytes, fileName: "sample")
        let schema = PingTables.histograms
        let all = rows(batch.histograms)
        let metric = try column(schema, "metric")
        let process = try column(schema, "process")
        let key = try column(schema, "key")
        let histogram = try column(schema, "histogram")

        let search = try #require(all.first { $0[metric] == .string("SEARCH_COUNTS") && $0[process] == .string("parent") })
        #expect(search[key] == .string("google.urlbar"))
        let parentCanvas = try #require(all.first { $0[metric] == .string("CANVAS_2D_USED") && $0[process] == .string("parent") })
        #expect(parentCanvas[key] == .null)
        guard case .histogram(let value) = parentCanvas[histogram] else {
            Issue.record("histogram column holds \(parentCanvas[histogram])")
            return
        }
        #expect(value.kind == .boolean)
        #expect(value.low == 1)
        #expect(value.high == 2)
        #expect(value.bucketCount == 3)
        #expect(value.sum == 200)
        #expect(value.bucketLowerBounds == value.bucketLowerBounds.sorted())
        let processes = Set(all.map { $0[process] })
        #expect(processes == [.string("parent"), .string("content"), .string("gpu")])
    }

    @Test func scalarRowsSplitNumbersAndStrings() throws {
        guard TestData.available else { return }
        let bytes = try TestData.bytes("pings/pass/main.4.sample.pass.json")
        let batch = PingIngestor().ingest(fileBytes: bytes, fileName: "sample")
        let schema = PingTables.scalars
        let all = rows(batch.scalars)
        let name = try column(schema, "name")
        let value = try column(schema, "value")
        let stringValue = try column(schema, "string_value")
        let unsigned = try #require(all.first { $0[name] == .string("telemetry.test.unsigned_int_kind") })
        #expect(unsigned[value] == .double(2))
        #expect(unsigned[stringValue] == .null)
        let text = try #require(all.first { $0[name] == .string("telemetry.test.string_kind") })
        #expect(text[value] == .null)
        #expect(text[stringValue] == .string("I'm a cool test string."))
    }

    @Test func everyFailPingIsRejectedStructurallyOrBySchema() throws {
        guard TestData.available else { return }
        // Without a schema, the structural checks catch these three.
        let structural: [String: (path: String, fragment: String)] = [
            "main.4.empty.fail.json": ("$.type", "missing"),
            "main.4.histogram.fail.json": ("$.payload.histograms.INVALID_BUCKET_TYPE.values.foo", "not an integer"),
            "main.4.negative_count.fail.json": ("$.payload.histograms.NEGATIVE_COUNT.values.2", "negative"),
        ]
        let ingestor = PingIngestor()
        for (name, expected) in structural {
            let batch = ingestor.ingest(fileBytes: try TestData.bytes("pings/fail/" + name), fileName: name)
            #expect(batch.pingCount == 0, "\(name)")
            #expect(batch.histogramCount == 0, "\(name)")
            let rejection = try #require(batch.rejections.first, "\(name) was not rejected")
            #expect(rejection.path == expected.path, "\(name)")
            #expect(rejection.message.contains(expected.fragment), "\(name): \(rejection.message)")
            #expect(rejection.reason.hasPrefix(name), "\(name)")
            #expect(batch.rejected.reduce(0) { $0 + $1.count } == 1)
        }
    }

    @Test func typeOtherThanMainIsRejected() throws {
        let text = #"{"type": "crash", "id": "x", "creationDate": "2020-01-01T00:00:00Z", "application": {"channel": "release", "version": "1", "buildId": "1"}}"#
        let batch = PingIngestor().ingest(fileBytes: Array(text.utf8), fileName: "crash.json")
        let rejection = try #require(batch.rejections.first)
        #expect(rejection.path == "$.type")
        #expect(rejection.message.contains("\"crash\""))
        #expect(rejection.documentID == "x")
    }

    @Test func mixedFileLoadsGoodDocuments() throws {
        let good = #"{"type": "main", "id": "good-1", "clientId": "2907648d-711b-4e9f-94b5-52a2b40a44b1", "creationDate": "2020-01-01T00:00:00Z", "application": {"channel": "release", "version": "70.0", "buildId": "20200101000000"}, "payload": {"histograms": {"H": {"histogram_type": 1, "range": [1, 10], "bucket_count": 11, "sum": 3, "values": {"2": 1, "0": 0, "1": 1}}}}}"#
        let badJSON = #"{"type": "main", "id": "broken", "#
        let badCount = #"{"type": "main", "id": "bad-2", "creationDate": "2020-01-01T00:00:00Z", "application": {"channel": "release", "version": "70.0", "buildId": "1"}, "payload": {"histograms": {"H": {"histogram_type": 1, "range": [1, 10], "bucket_count": 11, "sum": 3, "values": {"1": -1}}}}}"#
        let good2 = good.split(separator: "good-1", omittingEmptySubsequences: false).joined(separator: "good-2")
        let text = [good, badJSON, badCount, good2].joined(separator: "\n") + "\n"
        let batch = PingIngestor().ingest(fileBytes: Array(text.utf8), fileName: "mixed.ndjson")
        #expect(batch.documentCount == 4)
        #expect(batch.pingCount == 2)
        #expect(batch.histogramCount == 2)
        #expect(batch.rejections.map(\.line) == [2, 3])
        #expect(batch.rejections[0].message.contains("invalid JSON"))
        #expect(batch.rejections[1].documentID == "bad-2")
        let ids = rows(batch.pings).map { $0[0] }
        #expect(ids == [.string("good-1"), .string("good-2")])
        let pingRow = try #require(rows(batch.pings).first)
        #expect(pingRow[try column(PingTables.pings, "sample_id")] == .integer(67))
        let histogramRow = try #require(rows(batch.histograms).first)
        guard case .histogram(let histogram) = histogramRow[try column(PingTables.histograms, "histogram")] else {
            Issue.record("no histogram value")
            return
        }
        #expect(histogram.bucketLowerBounds == [0, 1, 2])
        #expect(histogram.bucketCounts == [0, 1, 1])
        let rejectedRows = rows(batch.rejected)
        #expect(rejectedRows.count == 2)
        #expect(rejectedRows[1][try column(PingTables.rejectedPings, "path")] == .string("$.payload.histograms.H.values.1"))
    }

    @Test func chunksNeverExceedCapacity() throws {
        let doc = #"{"type": "main", "id": "d", "creationDate": "2020-01-01T00:00:00Z", "application": {"channel": "release", "version": "70.0", "buildId": "1"}}"#
        let text = Array(repeating: doc, count: 25).joined(separator: "\n")
        let batch = PingIngestor(chunkCapacity: 10).ingest(fileBytes: Array(text.utf8), fileName: "many")
        #expect(batch.pingCount == 25)
        #expect(batch.pings.map(\.count) == [10, 10, 5])
    }

    @Test func truncatedPingsAreRejectedNotCrashing() throws {
        guard TestData.available else { return }
        let bytes = try TestData.bytes("pings/pass/main.4.gc_sample.pass.json")
        let ingestor = PingIngestor()
        for length in stride(from: 1, to: bytes.count, by: 997) {
            let batch = ingestor.ingest(fileBytes: Array(bytes[0..<length]), fileName: "truncated")
            #expect(batch.pingCount == 0, "prefix of \(length) bytes")
            #expect(batch.rejectedCount == 1, "prefix of \(length) bytes")
        }
    }

    @Test func wrongTypesInOptionalFieldsBecomeNull() throws {
        let text = #"{"type": "main", "id": "t", "clientId": null, "creationDate": "2020-01-01T00:00:00Z", "application": {"channel": "release", "version": "70.0", "buildId": "1"}, "environment": {"system": {"os": {"name": 5}, "memoryMB": "lots"}}, "payload": {"info": {"sessionLength": "x"}, "simpleMeasurements": {"uptime": 12.6}}}"#
        let batch = PingIngestor().ingest(fileBytes: Array(text.utf8), fileName: "types.json")
        let row = try #require(rows(batch.pings).first)
        let schema = PingTables.pings
        #expect(row[try column(schema, "client_id")] == .null)
        #expect(row[try column(schema, "sample_id")] == .null)
        #expect(row[try column(schema, "os")] == .null)
        #expect(row[try column(schema, "memory_mb")] == .null)
        #expect(row[try column(schema, "session_length")] == .null)
        #expect(row[try column(schema, "uptime")] == .integer(13))
    }

    @Test func outOfRangeNumbersAreNeverClamped() throws {
        let big = #"{"type": "main", "id": "big", "creationDate": "2020-01-01T00:00:00Z", "application": {"channel": "release", "version": "70.0", "buildId": "1"}, "payload": {"simpleMeasurements": {"uptime": 99999999999999999999999, "totalTime": 1e300}}}"#
        let batch = PingIngestor().ingest(fileBytes: Array(big.utf8), fileName: "big.json")
        let row = try #require(rows(batch.pings).first)
        #expect(row[try column(PingTables.pings, "uptime")] == .null)
        #expect(row[try column(PingTables.pings, "total_time")] == .null)

        let hugeSum = #"{"type": "main", "id": "sum", "creationDate": "2020-01-01T00:00:00Z", "application": {"channel": "release", "version": "70.0", "buildId": "1"}, "payload": {"histograms": {"H": {"histogram_type": 1, "range": [1, 10], "bucket_count": 11, "sum": 1e30, "values": {"1": 1}}}}}"#
        let rejected = PingIngestor().ingest(fileBytes: Array(hugeSum.utf8), fileName: "sum.json")
        #expect(rejected.pingCount == 0)
        let rejection = try #require(rejected.rejections.first)
        #expect(rejection.path == "$.payload.histograms.H.sum")
        #expect(rejection.message.contains("out of range"))
    }

    @Test func submissionTimeComesFromMetadata() throws {
        let text = #"{"type": "main", "id": "m", "creationDate": "2020-01-01T00:00:00Z", "application": {"channel": "release", "version": "70.0", "buildId": "1"}, "meta": {"submissionTimestamp": "2020-01-02T03:04:05Z"}}"#
        let batch = PingIngestor().ingest(fileBytes: Array(text.utf8), fileName: "meta.json")
        let row = try #require(rows(batch.pings).first)
        let expected = try #require(DateTime.parseTimestamp("2020-01-02T03:04:05Z"))
        #expect(row[try column(PingTables.pings, "submission_time")] == .timestamp(expected))
    }
}
