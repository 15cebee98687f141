// The column chunk codec on its own: which encoding each kind of data gets, exact round
// trips, and rejection of damaged or truncated chunks.

import TeleCore
import Testing

@testable import TeleStorage

@Suite struct ColumnCodecTests {
    private func roundTrip(_ vector: Vector) throws -> Vector {
        let stored = ColumnEncoder.encode(vector)
        return try stored.withUnsafeBytes { try ColumnDecoder.decode($0, type: vector.type) }
    }

    private func encoding(of vector: Vector) -> ColumnEncoding? {
        ColumnEncoding(rawValue: ColumnEncoder.encode(vector)[0])
    }

    private func isCompressed(_ vector: Vector) -> Bool {
        ColumnEncoder.encode(vector)[1] & ColumnChunkFormat.compressedFlag != 0
    }

    private func integers(_ vector: Vector) -> [Int64]? {
        if case .int64(let values) = vector.storage { return values }
        return nil
    }

    @Test func sortedTimestampsUseDelta() throws {
        let values = (0..<65_536).map { 1_700_000_000_000_000 + Int64($0) * 1_000_000 + Int64($0 % 3) }
        let vector = Vector.int64(values, type: .timestamp)
        #expect(encoding(of: vector) == .delta)
        #expect(integers(try roundTrip(vector)) == values)
        #expect(ColumnEncoder.encode(vector).count < values.count * 3)
    }

    @Test func narrowRangeUsesFrameOfReference() throws {
        let values = (0..<10_000).map { Int64(1_000_000 + ($0 * 7919) % 200) }
        let vector = Vector.int64(values)
        #expect(encoding(of: vector) == .frameOfReference)
        #expect(integers(try roundTrip(vector)) == values)
    }

    @Test func fullRangeStaysPlain() throws {
        var generator = SystemRandomNumberGenerator()
        let values = (0..<1000).map { _ in Int64.random(in: Int64.min...Int64.max, using: &generator) }
        let vector = Vector.int64(values)
        #expect(encoding(of: vector) == .plain)
        #expect(integers(try roundTrip(vector)) == values)
    }

    @Test func constantColumnPacksToZeroBits() throws {
        let values = [Int64](repeating: -42, count: 65_536)
        let vector = Vector.int64(values)
        #expect(ColumnEncoder.encode(vector).count < 64)
        #expect(integers(try roundTrip(vector)) == values)
    }

    @Test func everyBitWidthRoundTrips() throws {
        for width in 0...BitPacking.maxWidth {
            let top = width == 0 ? 0 : (Int64(1) << Int64(width)) - 1
            let values = (0..<257).map { index -> Int64 in
                index % 2 == 0 ? top : Int64(index) & top
            }
            #expect(integers(try roundTrip(Vector.int64(values))) == values, "width \(width)")
        }
    }

    @Test func integerNullsComeBackAsZeroAndInvalid() throws {
        var validity = ValidityMask(count: 5, allValid: true)
        validity.set(1, valid: false, count: 5)
        validity.set(4, valid: false, count: 5)
        let vector = Vector.int64([10, 99, 12, 13, 99], validity: validity)
        let decoded = try roundTrip(vector)
        #expect(integers(decoded) == [10, 0, 12, 13, 0])
        #expect((0..<5).map { decoded.isNull($0) } == [false, true, false, false, true])
    }

    @Test func allNullAndEmptyColumns() throws {
        let allNull = Vector.int64([0, 0, 0], validity: ValidityMask(count: 3, allValid: false))
        let decoded = try roundTrip(allNull)
        #expect((0..<3).allSatisfy { decoded.isNull($0) })

        let empty = try roundTrip(Vector.string(StringColumn()))
        #expect(empty.count == 0)
        let emptyIntegers = try roundTrip(Vector.int64([]))
        #expect(emptyIntegers.count == 0)
    }

    @Test func fewDistinctStringsUseDictionary() throws {
        var validity = ValidityMask(count: 1000, allValid: true)
        validity.set(7, valid: false, count: 1000)
        let names = ["Firefox", "Fenix", "Focus", "Thunderbird"]
        var column = StringColumn()
        for row in 0..<1000 {
            if row == 7 { column.appendEmpty() } else { column.append(names[row % 4]) }
        }
        let vector = Vector.string(column, validity: validity)
        #expect(encoding(of: vector) == .dictionary)
        let decoded = try roundTrip(vector)
        guard case .dictionary(let codes, let dictionary) = decoded.storage else {
            Issue.record("dictionary chunk reads back as a dictionary vector")
            return
        }
        #expect(codes.count == 1000)
        #expect(dictionary.count == 4)
        #expect(decoded.isNull(7))
        for row in 0..<1000 where row != 7 {
            #expect(decoded.value(at: row) == .string(names[row % 4]))
        }
    }

    @Test func manyDistinctStringsStayPlain() throws {
        let column = StringColumn((0..<1000).map { "user-\($0 % 600)" })
        let vector = Vector.string(column)
        #expect(encoding(of: vector) == .plain)
        let decoded = try roundTrip(vector)
        guard case .string(let result) = decoded.storage else {
            Issue.record("plain chunk reads back as a flat string vector")
            return
        }
        #expect(result == column)
    }

    @Test func repetitiveDataIsCompressed() throws {
        let doubles = Vector.double((0..<10_000).map { Double($0 % 10) })
        #expect(isCompressed(doubles))
        let histogram = Vector(
            type: .histogram, storage: .histogram([Histogram](repeating: sampleHistogram, count: 100)), count: 100)
        #expect(isCompressed(histogram))
        if case .histogram(let values) = try roundTrip(histogram).storage {
            #expect(values == [Histogram](repeating: sampleHistogram, count: 100))
        } else {
            Issue.record("histogram chunk reads back as histograms")
        }
    }

    @Test func everyFlippedByteIsDetected() throws {
        let vector = Vector.int64((0..<300).map { Int64($0 * $0) })
        let stored = ColumnEncoder.encode(vector)
        for offset in stored.indices {
            var damaged = stored
            damaged[offset] ^= 0x04
            let result = damaged.withUnsafeBytes { raw in
                Result { () throws(ColumnDecoder.Failure) in try ColumnDecoder.decode(raw, type: .bigint) }
            }
            guard case .failure(let failure) = result else {
                Issue.record("flipped byte \(offset) decoded without error")
                continue
            }
            #expect(failure == .checksumMismatch, "byte \(offset)")
        }
    }

    @Test func truncatedChunkIsRejected() throws {
        let stored = ColumnEncoder.encode(Vector.double([1, 2, 3, 4]))
        for length in [0, 3, 19, stored.count - 1] {
            let result = stored.withUnsafeBytes { raw in
                Result { () throws(ColumnDecoder.Failure) in
                    try ColumnDecoder.decode(UnsafeRawBufferPointer(rebasing: raw[0..<length]), type: .double)
                }
            }
            guard case .failure = result else {
                Issue.record("a chunk cut to \(length) bytes decoded without error")
                continue
            }
        }
    }
}
