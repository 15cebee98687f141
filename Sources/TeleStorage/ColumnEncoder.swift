// Encodes one column of a row group into the stored form described in ColumnChunkFormat:
// it picks the lightest encoding that fits the values, applies LZ4 where it pays, and
// appends the checksum.

import CLZ4
import TeleCore

enum ColumnEncoder {
    /// Returns the stored bytes of `vector`, a flat vector of at most `UInt32.max` rows.
    static func encode(_ vector: Vector) -> [UInt8] {
        let vector = vector.flattened()
        var body = ByteWriter()
        let hasNulls = !vector.validity.allValid && vector.validity.nullCount(vector.count) > 0
        if hasNulls {
            for index in 0..<((vector.count + 63) / 64) { body.write(vector.validity.words[index]) }
        }
        let encoding: ColumnEncoding
        switch vector.storage {
        case .bool(let values):
            encoding = .plain
            body.writeArray(values)
        case .int64(let values):
            encoding = encodeIntegers(values, validity: hasNulls ? vector.validity : ValidityMask(), into: &body)
        case .double(let values):
            encoding = .plain
            body.writeArray(values)
        case .string(let column):
            encoding = encodeStrings(column, validity: vector.validity, into: &body)
        case .interval(let values):
            encoding = .plain
            body.writeArray(values.map { $0.months })
            body.writeArray(values.map { $0.days })
            body.writeArray(values.map { $0.micros })
        case .histogram(let values):
            encoding = .plain
            for histogram in values { writeHistogram(histogram, into: &body) }
        case .constant, .dictionary:
            preconditionFailure("flattened() leaves no constant or dictionary vector")
        }
        return frame(body.bytes, encoding: encoding, rowCount: vector.count, hasNulls: hasNulls)
    }

    /// Wraps the body in the chunk header, compressing it when that pays, and appends the CRC.
    private static func frame(_ body: [UInt8], encoding: ColumnEncoding, rowCount: Int, hasNulls: Bool) -> [UInt8] {
        var flags: UInt8 = hasNulls ? ColumnChunkFormat.validityFlag : 0
        var stored = body
        if let compressed = compress(body) {
            stored = compressed
            flags |= ColumnChunkFormat.compressedFlag
        }
        var writer = ByteWriter()
        writer.bytes.reserveCapacity(ColumnChunkFormat.headerSize + stored.count + ColumnChunkFormat.checksumSize)
        writer.write(encoding.rawValue)
        writer.write(flags)
        writer.write(UInt16(0))
        writer.write(UInt32(rowCount))
        writer.write(UInt32(body.count))
        writer.write(UInt32(stored.count))
        writer.bytes.append(contentsOf: stored)
        writer.write(CRC32C.checksum(writer.bytes))
        return writer.bytes
    }

    /// Returns the LZ4 block of `body`, or nil when compression does not pay.
    private static func compress(_ body: [UInt8]) -> [UInt8]? {
        guard body.count >= 64, body.count < Int(Int32.max) else { return nil }
        let bound = Int(LZ4_compressBound(Int32(body.count)))
        var output = [UInt8](repeating: 0, count: bound)
        let size = body.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                LZ4_compress_default(
                    source.baseAddress!.assumingMemoryBound(to: CChar.self),
                    target.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(body.count), Int32(bound))
            }
        }
        guard size > 0, ColumnChunkFormat.compressionPays(raw: body.count, compressed: Int(size)) else { return nil }
        output.removeLast(bound - Int(size))
        return output
    }

    // MARK: Integers

    /// Writes Int64 values with frame-of-reference or delta bit packing, whichever is
    /// narrower, or plain when both need more than `BitPacking.maxWidth` bits.
    private static func encodeIntegers(_ original: [Int64], validity: ValidityMask, into body: inout ByteWriter)
        -> ColumnEncoding
    {
        // NULL rows take the previous valid value, so they widen neither the range nor the
        // deltas; the decoder sets them back to 0.
        var values = original
        if !validity.allValid { fillNullRows(&values, validity: validity) }
        return values.withUnsafeBufferPointer { buffer in
            var low = Int64.max
            var high = Int64.min
            var deltaLow = Int64.max
            var deltaHigh = Int64.min
            var previous = buffer.first ?? 0
            for value in buffer {
                low = min(low, value)
                high = max(high, value)
                let delta = value &- previous
                deltaLow = min(deltaLow, delta)
                deltaHigh = max(deltaHigh, delta)
                previous = value
            }
            if buffer.isEmpty {
                body.write(Int64(0))
                body.write(UInt8(0))
                BitPacking.pack(buffer, base: 0, width: 0, into: &body)
                return .frameOfReference
            }
            let referenceWidth = BitPacking.width(of: UInt64(bitPattern: high &- low))
            let deltaWidth = BitPacking.width(of: UInt64(bitPattern: deltaHigh &- deltaLow))
            if min(referenceWidth, deltaWidth) > BitPacking.maxWidth {
                body.writeArray(original)
                return .plain
            }
            if referenceWidth <= deltaWidth {
                body.write(low)
                body.write(UInt8(referenceWidth))
                BitPacking.pack(buffer, base: low, width: referenceWidth, into: &body)
                return .frameOfReference
            }
            var deltas = [Int64](repeating: deltaLow, count: buffer.count)
            for index in 1..<buffer.count { deltas[index] = buffer[index] &- buffer[index - 1] }
            body.write(buffer[0])
            body.write(deltaLow)
            body.write(UInt8(deltaWidth))
            deltas.withUnsafeBufferPointer { BitPacking.pack($0, base: deltaLow, width: deltaWidth, into: &body) }
            return .delta
        }
    }

    private static func fillNullRows(_ values: inout [Int64], validity: ValidityMask) {
        guard let firstValid = values.indices.first(where: { validity.isValid($0) }) else {
            for index in values.indices { values[index] = 0 }
            return
        }
        var previous = values[firstValid]
        for index in values.indices {
            if validity.isValid(index) { previous = values[index] } else { values[index] = previous }
        }
    }

    // MARK: Strings

    private static func encodeStrings(_ column: StringColumn, validity: ValidityMask, into body: inout ByteWriter)
        -> ColumnEncoding
    {
        if let (codes, dictionary) = StringDictionary.build(column, validity: validity) {
            body.write(UInt32(dictionary.count))
            writeStringColumn(dictionary, into: &body)
            let width = BitPacking.width(of: UInt64(max(dictionary.count - 1, 0)))
            body.write(UInt8(width))
            codes.withUnsafeBufferPointer { BitPacking.pack($0, base: 0, width: width, into: &body) }
            return .dictionary
        }
        writeStringColumn(column, into: &body)
        return .plain
    }

    /// Writes the offsets (count + 1 of them, rebased to start at 0), the byte count and the bytes.
    private static func writeStringColumn(_ column: StringColumn, into body: inout ByteWriter) {
        body.writeArray(column.offsets)
        let end = Int(column.offsets[column.count])
        body.write(UInt32(end))
        column.bytes.withUnsafeBytes { body.write(bytes: UnsafeRawBufferPointer(rebasing: $0[0..<end])) }
    }

    // MARK: Histograms

    static func writeHistogram(_ histogram: Histogram, into body: inout ByteWriter) {
        body.write(UInt8(histogram.kind.rawValue))
        body.write(histogram.low)
        body.write(histogram.high)
        body.write(histogram.bucketCount)
        body.write(histogram.sum)
        body.write(histogram.submissions)
        // Read in place: the array properties would copy the buckets for every row.
        histogram.withBuckets { bounds, counts in
            body.write(UInt32(bounds.count))
            body.write(bytes: UnsafeRawBufferPointer(bounds))
            body.write(bytes: UnsafeRawBufferPointer(counts))
        }
        // Only the custom kind stores its bounds; every other kind derives them from its range.
        if histogram.kind == .custom {
            histogram.withCustomBounds { bounds in
                body.write(UInt32(bounds.count))
                body.write(bytes: UnsafeRawBufferPointer(bounds))
            }
        }
    }
}
