// The value decoders behind ColumnDecoder, one per encoding. Integer decoding unpacks
// straight into the result array's memory, without an intermediate copy.

import TeleCore

extension ColumnDecoder {
    static func decodeIntegers(
        _ reader: inout ByteReader, encoding: ColumnEncoding, rowCount: Int, validity: ValidityMask
    ) throws -> [Int64] {
        var values: [Int64]
        switch encoding {
        case .plain:
            return try reader.readArray(Int64.self, count: rowCount)
        case .frameOfReference:
            let base = try reader.read(Int64.self)
            let width = Int(try reader.read(UInt8.self))
            let packed = try readPacked(&reader, count: rowCount, width: width)
            values = [Int64](unsafeUninitializedCapacity: rowCount) { buffer, initialized in
                BitPacking.unpack(packed, width: width, base: base, into: buffer)
                initialized = rowCount
            }
        case .delta:
            let first = try reader.read(Int64.self)
            let deltaBase = try reader.read(Int64.self)
            let width = Int(try reader.read(UInt8.self))
            let packed = try readPacked(&reader, count: rowCount, width: width)
            values = [Int64](unsafeUninitializedCapacity: rowCount) { buffer, initialized in
                BitPacking.unpack(packed, width: width, base: deltaBase, into: buffer)
                // Running sum of the deltas; wrapping, as the encoder's subtraction was.
                var running = first
                if rowCount > 0 { buffer[0] = first }
                for index in 1..<max(rowCount, 1) {
                    running = running &+ buffer[index]
                    buffer[index] = running
                }
                initialized = rowCount
            }
        case .dictionary:
            throw Failure.invalid("dictionary encoding for integers")
        }
        // NULL rows held a neighbour's value to keep the packing narrow; give them 0 again.
        if !validity.allValid {
            for row in 0..<rowCount where !validity.isValid(row) { values[row] = 0 }
        }
        return values
    }

    private static func readPacked(_ reader: inout ByteReader, count: Int, width: Int) throws -> UnsafeRawBufferPointer {
        guard width <= BitPacking.maxWidth else { throw Failure.invalid("bit width \(width)") }
        return try reader.readBytes(BitPacking.packedByteCount(count: count, width: width))
    }

    /// Reads what `writeStringColumn` wrote and checks that the offsets stay inside the bytes.
    static func readStringColumn(_ reader: inout ByteReader, count: Int) throws -> StringColumn {
        let offsets = try reader.readArray(Int32.self, count: count + 1)
        let byteCount = Int(try reader.read(UInt32.self))
        let bytes = try reader.readArray(UInt8.self, count: byteCount)
        guard offsets[0] == 0, Int(offsets[count]) == byteCount else { throw Failure.invalid("string offsets") }
        var previous: Int32 = 0
        for offset in offsets {
            guard offset >= previous else { throw Failure.invalid("string offsets") }
            previous = offset
        }
        return StringColumn(bytes: bytes, offsets: offsets)
    }

    static func decodeDictionary(_ reader: inout ByteReader, rowCount: Int) throws -> VectorStorage {
        let dictionarySize = Int(try reader.read(UInt32.self))
        let dictionary = try readStringColumn(&reader, count: dictionarySize)
        let width = Int(try reader.read(UInt8.self))
        let packed = try readPacked(&reader, count: rowCount, width: width)
        let wide = [Int64](unsafeUninitializedCapacity: rowCount) { buffer, initialized in
            BitPacking.unpack(packed, width: width, base: 0, into: buffer)
            initialized = rowCount
        }
        var codes = [Int32](repeating: 0, count: rowCount)
        var highest: Int64 = 0
        for row in 0..<rowCount {
            highest = max(highest, wide[row])
            codes[row] = Int32(truncatingIfNeeded: wide[row])
        }
        guard rowCount == 0 || highest < Int64(dictionarySize) else { throw Failure.invalid("dictionary code") }
        return .dictionary(codes: codes, dictionary: dictionary)
    }

    static func readHistogram(_ reader: inout ByteReader) throws -> Histogram {
        guard let kind = HistogramKind(rawValue: Int(try reader.read(UInt8.self))) else {
            throw Failure.invalid("histogram kind")
        }
        let low = try reader.read(Int64.self)
        let high = try reader.read(Int64.self)
        let bucketCount = try reader.read(Int32.self)
        let sum = try reader.read(Int64.self)
        let submissions = try reader.read(Int64.self)
        let buckets = Int(try reader.read(UInt32.self))
        let lowerBounds = try reader.readArray(Int64.self, count: buckets)
        let counts = try reader.readArray(Int64.self, count: buckets)
        var customBounds: [Int64] = []
        if kind == .custom {
            let boundCount = Int(try reader.read(UInt32.self))
            customBounds = try reader.readArray(Int64.self, count: boundCount)
        }
        return Histogram(
            kind: kind, low: low, high: high, bucketCount: bucketCount, sum: sum, bucketLowerBounds: lowerBounds,
            bucketCounts: counts, submissions: submissions, customBounds: customBounds)
    }
}
