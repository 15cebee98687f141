// HISTOGRAM column chunks: exact round trips of every kind of histogram, decoded rows that
// share one buffer, and rejection of records whose lengths run past the body.

import Testing

@testable import TeleCore
@testable import TeleStorage

@Suite("Histogram column codec")
struct HistogramCodecTests {
    static let custom = Histogram(
        kind: .custom, low: 1, high: 100, bucketCount: 4, sum: 77, bucketLowerBounds: [0, 10, 100],
        bucketCounts: [3, 0, 9], submissions: 4, customBounds: [0, 1, 10, 100])
    static let empty = Histogram(
        kind: .linear, low: 1, high: 50, bucketCount: 10, sum: 0, bucketLowerBounds: [], bucketCounts: [])

    static func exponential(_ row: Int) -> Histogram {
        let bounds = (0..<(row % 7)).map { Int64($0 * $0 + row % 3) }
        return Histogram(
            kind: .exponential, low: 1, high: 10_000, bucketCount: 50, sum: Int64(row * 31),
            bucketLowerBounds: bounds, bucketCounts: bounds.map { $0 &* 3 &+ 1 }, submissions: Int64(1 + row % 2))
    }

    static func decode(_ vector: Vector) throws -> Vector {
        let stored = ColumnEncoder.encode(vector)
        return try stored.withUnsafeBytes { try ColumnDecoder.decode($0, type: .histogram) }
    }

    @Test("mixed histograms round trip")
    func mixedHistogramsRoundTrip() throws {
        var builder = VectorBuilder(type: .histogram)
        var expected: [Value] = []
        for row in 0..<3000 {
            let value: Value
            switch row % 5 {
            case 0: value = .histogram(Self.custom)
            case 1: value = .histogram(Self.empty)
            case 2: value = .null
            default: value = .histogram(Self.exponential(row))
            }
            builder.append(value)
            expected.append(value)
        }
        let decoded = try Self.decode(builder.finish())
        #expect(decoded.count == expected.count)
        for row in expected.indices {
            #expect(decoded.value(at: row) == expected[row], "row \(row)")
        }
    }

    @Test("decoded rows share one buffer")
    func decodedRowsShareOneBuffer() throws {
        let histograms = (0..<100).map(Self.exponential)
        let decoded = try Self.decode(Vector(type: .histogram, storage: .histogram(histograms), count: 100))
        guard case .histogram(let values) = decoded.storage else {
            Issue.record("histogram chunk reads back as histograms")
            return
        }
        let first = values[0].storage.withUnsafeBufferPointer { $0.baseAddress }
        for row in 1..<values.count {
            #expect(values[row].storage.withUnsafeBufferPointer { $0.baseAddress } == first, "row \(row)")
        }
        #expect(values == histograms)
    }

    @Test("oversized bucket count is rejected")
    func oversizedBucketCountIsRejected() throws {
        var writer = ByteWriter()
        ColumnEncoder.writeHistogram(Self.exponential(6), into: &writer)
        // The entry count sits after kind (1 byte), low, high (8 each), bucket count (4),
        // sum and submissions (8 each).
        let countOffset = 1 + 8 + 8 + 4 + 8 + 8
        for entries: UInt32 in [7, 1000, UInt32.max] {
            var bytes = writer.bytes
            withUnsafeBytes(of: entries.littleEndian) { bytes.replaceSubrange(countOffset..<(countOffset + 4), with: $0) }
            let failed = bytes.withUnsafeBytes { raw -> Bool in
                var reader = ByteReader(raw)
                return (try? ColumnDecoder.readHistograms(&reader, rowCount: 1)) == nil
            }
            #expect(failed, "entry count \(entries)")
        }
    }

    @Test("custom bounds past the body are rejected")
    func customBoundsPastBodyAreRejected() throws {
        var writer = ByteWriter()
        ColumnEncoder.writeHistogram(Self.custom, into: &writer)
        let bytes = Array(writer.bytes.dropLast(8))
        let failed = bytes.withUnsafeBytes { raw -> Bool in
            var reader = ByteReader(raw)
            return (try? ColumnDecoder.readHistograms(&reader, rowCount: 1)) == nil
        }
        #expect(failed)
    }
}
