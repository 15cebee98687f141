// Generator and bucket layouts: Firefox's bucket rules, determinism, and validity of the
// generated pings under the structural checks and the main ping schema.

import Testing
import TeleCore
@testable import TeleIngest

@Suite struct HistogramBucketTests {
    /// Reads the reference lower bounds keyed by their description line.
    private func reference() throws -> [String: [Int64]] {
        let document = try JSONParser().parse(try TestData.bytes("histograms/bucket_reference.json"))
        var result: [String: [Int64]] = [:]
        document.forEachMember(0) { key, value in
            guard document.kind(value) == .array, let name = document.string(key) else { return }
            result[name] = document.elements(value).compactMap { document.int64($0) }
        }
        return result
    }

    @Test func boundsMatchFirefoxReference() throws {
        guard TestData.available else { return }
        let table = try reference()
        let cases: [(prefix: String, bounds: [Int64])] = [
            ("exponential low=1 high=10000 n_buckets=50", HistogramBuckets.exponential(low: 1, high: 10000, bucketCount: 50)),
            ("exponential low=1 high=60000 n_buckets=20", HistogramBuckets.exponential(low: 1, high: 60000, bucketCount: 20)),
            ("exponential low=1 high=30000 n_buckets=50", HistogramBuckets.exponential(low: 1, high: 30000, bucketCount: 50)),
            ("linear low=1000 high=15000 n_buckets=17", HistogramBuckets.linear(low: 1000, high: 15000, bucketCount: 17)),
            ("enumerated n_values=11", HistogramBuckets.linear(low: 1, high: 11, bucketCount: 12)),
            ("categorical 13 labels", HistogramBuckets.linear(low: 1, high: 50, bucketCount: 51)),
            ("boolean/flag/count", HistogramBuckets.linear(low: 1, high: 2, bucketCount: 3)),
        ]
        #expect(table.count == cases.count)
        for testCase in cases {
            let expected = try #require(table.first { $0.key.hasPrefix(testCase.prefix) }?.value, "\(testCase.prefix)")
            #expect(testCase.bounds == expected, "\(testCase.prefix)")
        }
    }

    @Test func sampleHistogramKeysAreBucketBounds() throws {
        guard TestData.available else { return }
        // Every bucket key of the GC_MS histogram in the sample ping is one of its bounds.
        let bytes = try TestData.bytes("pings/pass/main.4.sample.pass.json")
        let document = try JSONParser().parse(bytes)
        let values = try #require(document.path(0, "payload", "histograms", "GC_MS", "values"))
        let bounds = Set(HistogramBuckets.exponential(low: 1, high: 10000, bucketCount: 50))
        var keys = 0
        document.forEachMember(values) { key, _ in
            keys += 1
            #expect(bounds.contains(Int64(document.string(key) ?? "") ?? -1))
        }
        #expect(keys > 0)
    }

    @Test func bucketIndexFindsContainingBucket() {
        let bounds: [Int64] = [0, 1, 2, 4, 8]
        #expect(HistogramBuckets.bucketIndex(of: 0, in: bounds) == 0)
        #expect(HistogramBuckets.bucketIndex(of: 3, in: bounds) == 2)
        #expect(HistogramBuckets.bucketIndex(of: 4, in: bounds) == 3)
        #expect(HistogramBuckets.bucketIndex(of: 1000, in: bounds) == 4)
    }

    @Test func builtInDefinitionsHaveValidLayouts() {
        for definition in HistogramDefinition.builtIn {
            let bounds = definition.bucketLowerBounds
            #expect(bounds.count == definition.bucketCount, "\(definition.name)")
            #expect(bounds.first == 0, "\(definition.name)")
            #expect(bounds.last == definition.high, "\(definition.name)")
            #expect(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 }, "\(definition.name)")
        }
    }
}

@Suite struct PingGeneratorTests {
    @Test func sameSeedSameDocuments() {
        let first = Array(PingGenerator(seed: 7).generate(count: 20))
        let second = Array(PingGenerator(seed: 7).generate(count: 20))
        #expect(first == second)
        let other = Array(PingGenerator(seed: 8).generate(count: 20))
        #expect(first != other)
    }

    @Test func generatedPingsPassStructuralChecks() throws {
        let documents = Array(PingGenerator(seed: 1).generate(count: 200))
        let file: [UInt8] = documents.flatMap { $0 + [UInt8(0x0A)] }
        let batch = PingIngestor().ingest(fileBytes: file, fileName: "generated.ndjson")
        #expect(batch.rejections.isEmpty, "\(batch.rejections.prefix(3))")
        #expect(batch.pingCount == 200)
        #expect(batch.histogramCount > 200 * 24, "a few dozen histograms per ping")
        #expect(batch.scalarCount > 200 * 7)
    }

    @Test func generatedPingsPassTheSchema() throws {
        guard TestData.available else { return }
        let validator = try JSONSchemaValidator(path: TestData.telemetryFolder + "/schema/main.4.schema.json")
        for (index, bytes) in PingGenerator(seed: 3).generate(count: 100).enumerated() {
            let document = try JSONParser().parse(bytes)
            let problem = validator.firstViolation(in: document)
            #expect(problem == nil, "ping \(index): \(String(describing: problem))")
        }
    }

    @Test func clientsSendSeveralPingsWithStableTraits() throws {
        var file: [UInt8] = []
        for document in PingGenerator(seed: 11).generate(count: 400) {
            file += document
            file.append(0x0A)
        }
        let batch = PingIngestor().ingest(fileBytes: file, fileName: "generated")
        let schema = PingTables.pings
        let client = try #require(schema.columnIndex("client_id"))
        let channel = try #require(schema.columnIndex("channel"))
        let os = try #require(schema.columnIndex("os"))
        var traits: [Value: [Value]] = [:]
        var pingsPerClient: [Value: Int] = [:]
        for chunk in batch.pings {
            for row in 0..<chunk.count {
                let values = chunk.row(row)
                pingsPerClient[values[client], default: 0] += 1
                let seen = [values[channel], values[os]]
                if let previous = traits[values[client]] {
                    #expect(previous == seen)
                } else {
                    traits[values[client]] = seen
                }
            }
        }
        #expect(pingsPerClient.count > 50)
        #expect(pingsPerClient.values.filter { $0 > 1 }.count > 30)
        let channels = Set(traits.values.map { $0[0] })
        #expect(channels.contains(.string("release")))
        #expect(channels.count >= 3)
    }

    @Test func writeNDJSONWritesOneLinePerPing() throws {
        var template = Array("/tmp/teledb-ingest-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) }
        }
        let directory = try #require(created)
        defer {
            _ = unlink(directory + "/pings.ndjson")
            _ = rmdir(directory)
        }
        let path = directory + "/pings.ndjson"
        try PingGenerator(seed: 5).writeNDJSON(count: 30, to: path)
        let bytes = try readFileBytes(path: path)
        #expect(bytes.filter { $0 == 0x0A }.count == 30)
        #expect(PingIngestor().ingest(fileBytes: bytes, fileName: path).pingCount == 30)
    }
}

#if canImport(Glibc)
import Glibc
#endif
