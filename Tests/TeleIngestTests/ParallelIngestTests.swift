// Ingest of one buffer on several threads: the cut into parts, and rows and rejections equal
// to a single-threaded ingest of the same bytes.

import Testing
import TeleCore
@testable import TeleIngest

@Suite struct ParallelIngestTests {
    /// About 3 MB of generated NDJSON with a broken line and a crash ping near the middle.
    static let bytes: [UInt8] = {
        var lines = PingGenerator(seed: 3).generate(count: 300).map { $0 }
        lines.insert(Array(#"{"type":"main","id":"broken","payload":{"#.utf8), at: 150)
        lines.insert(Array(#"{"type":"crash","id":"crash-1","version":4}"#.utf8), at: 200)
        return Array(lines.joined(separator: [0x0A])) + [0x0A]
    }()

    @Test func partsCoverTheBufferAtDocumentStarts() {
        let bytes = Self.bytes
        let parts = PingIngestor.partition(bytes, into: 3)
        #expect(parts.count == 3)
        #expect(parts.first?.range.lowerBound == 0)
        #expect(parts.last?.range.upperBound == bytes.count)
        for (previous, part) in zip(parts, parts.dropFirst()) {
            #expect(previous.range.upperBound == part.range.lowerBound)
            #expect(bytes[part.range.lowerBound] == UInt8(ascii: "{"))
            #expect(bytes[part.range.lowerBound - 1] == 0x0A)
            let linesBefore = bytes[..<part.range.lowerBound].filter { $0 == 0x0A }.count
            #expect(part.lineOffset == linesBefore)
        }
    }

    @Test func partitionOfOneDocumentIsWhole() {
        let document = Array("{\n  \"a\": {\n    \"b\": 1\n  }\n}\n".utf8)
        let parts = PingIngestor.partition(document, into: 4)
        #expect(parts.count == 1)
        #expect(parts.first?.range == 0..<document.count)
    }

    @Test func threadsGiveTheSameRows() {
        let ingestor = PingIngestor()
        let single = ingestor.ingest(fileBytes: Self.bytes, fileName: "f", firstLine: 1, threads: 1, rejectedAt: 0)
        let parallel = ingestor.ingest(fileBytes: Self.bytes, fileName: "f", firstLine: 1, threads: 3, rejectedAt: 0)

        #expect(parallel.pingCount == 300)
        #expect(parallel.pingCount == single.pingCount)
        #expect(parallel.histogramCount == single.histogramCount)
        #expect(parallel.scalarCount == single.scalarCount)
        #expect(parallel.documentCount == single.documentCount)
        #expect(parallel.rejections == single.rejections)
        #expect(parallel.rejections.map(\.line) == [151, 201])
        #expect(Self.rows(parallel.pings) == Self.rows(single.pings))
        #expect(Self.rows(parallel.histograms) == Self.rows(single.histograms))
        #expect(Self.rows(parallel.scalars) == Self.rows(single.scalars))
        #expect(Self.rows(parallel.rejected) == Self.rows(single.rejected))
    }

    @Test func firstLineAndOffsetNameFileLines() throws {
        let text = Array("{\"type\":\"main\" \"id\":\"x\"}\n".utf8)
        let batch = PingIngestor().ingest(fileBytes: text, fileName: "piece", firstLine: 41, fileOffset: 1000, threads: 1)
        let rejection = try #require(batch.rejections.first)
        #expect(rejection.line == 41)
        #expect(rejection.message.contains("line 41, column 16 (byte offset 1015)"), "\(rejection.message)")
    }

    @Test func availableProcessorsIsPositive() {
        #expect(PingIngestor.availableProcessors() >= 1)
    }

    static func rows(_ chunks: [DataChunk]) -> [[Value]] {
        chunks.flatMap { chunk in (0..<chunk.count).map { chunk.row($0) } }
    }
}
