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

    /// Reads `rowCount` histogram records into histograms that share one `[Int64]` buffer,
    /// so a chunk costs one allocation instead of two per row.
    static func readHistograms(_ reader: inout ByteReader, rowCount: Int) throws -> [Histogram] {
        // Every stored Int64 takes 8 bytes of the body, so the rest of the body bounds the
        // buffer. The record headers (41 bytes, 45 for custom) make this an overestimate.
        let capacity = reader.remaining / 8
        var records: [HistogramRecord] = []
        records.reserveCapacity(rowCount)
        var failure: Error?
        let storage = [Int64](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            do {
                for _ in 0..<rowCount {
                    records.append(try readHistogramRecord(&reader, into: buffer, at: &initialized))
                }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return records.map { record in
            Histogram(
                kind: record.kind, low: record.low, high: record.high, bucketCount: record.bucketCount,
                sum: record.sum, submissions: record.submissions, sharing: storage, entries: record.entries,
                custom: record.custom)
        }
    }

    /// The fixed fields of one stored histogram and where its arrays went in the shared buffer.
    struct HistogramRecord {
        var kind: HistogramKind
        var low: Int64
        var high: Int64
        var bucketCount: Int32
        var sum: Int64
        var submissions: Int64
        var entries: Range<Int>
        var custom: Range<Int>
    }

    /// Reads one record, copying its bounds, counts and custom bounds to `buffer[end...]`.
    private static func readHistogramRecord(
        _ reader: inout ByteReader, into buffer: UnsafeMutableBufferPointer<Int64>, at end: inout Int
    ) throws -> HistogramRecord {
        guard let kind = HistogramKind(rawValue: Int(try reader.read(UInt8.self))) else {
            throw Failure.invalid("histogram kind")
        }
        let low = try reader.read(Int64.self)
        let high = try reader.read(Int64.self)
        let bucketCount = try reader.read(Int32.self)
        let sum = try reader.read(Int64.self)
        let submissions = try reader.read(Int64.self)
        let entryCount = Int(try reader.read(UInt32.self))
        let entriesStart = end
        try copyInt64s(&reader, count: 2 * entryCount, into: buffer, at: &end)
        let customStart = end
        if kind == .custom {
            let boundCount = Int(try reader.read(UInt32.self))
            try copyInt64s(&reader, count: boundCount, into: buffer, at: &end)
        }
        return HistogramRecord(
            kind: kind, low: low, high: high, bucketCount: bucketCount, sum: sum, submissions: submissions,
            entries: entriesStart..<(entriesStart + entryCount), custom: customStart..<end)
    }

    private static func copyInt64s(
        _ reader: inout ByteReader, count: Int, into buffer: UnsafeMutableBufferPointer<Int64>, at end: inout Int
    ) throws {
        guard count >= 0, count <= reader.remaining / 8 else { throw Failure.truncated }
        let source = try reader.readBytes(count * 8)
        // The buffer has a slot for every 8 bytes that were left when it was sized, and these
        // bytes come from that rest, so they fit.
        precondition(end + count <= buffer.count, "histogram buffer sized from the body")
        if count > 0, let target = buffer.baseAddress, let from = source.baseAddress {
            UnsafeMutableRawPointer(target + end).copyMemory(from: from, byteCount: count * 8)
        }
        end += count
    }
}
