// Bit packing of unsigned integers at a fixed width, the last step of the frame-of-reference,
// delta and dictionary-code encodings.
//
// Value i occupies bits [i * width, (i + 1) * width) of the packed bytes, least significant
// bit first. Widths go up to 56 so that any value plus its bit offset inside its first byte
// (at most 7) fits in one unaligned 64-bit load. The packed bytes end with 8 bytes of padding
// so that the load for the last value never reads past the buffer.

enum BitPacking {
    /// The widest width packed; wider values are stored plain.
    static let maxWidth = 56

    /// Returns the number of bits needed to store `value`.
    static func width(of value: UInt64) -> Int {
        64 - value.leadingZeroBitCount
    }

    /// Returns the packed size of `count` values of `width` bits, padding included.
    static func packedByteCount(count: Int, width: Int) -> Int {
        (count * width + 7) / 8 + 8
    }

    /// Packs `count` values of `width` bits each; each value is `values[i] &- base`.
    static func pack(
        _ values: UnsafeBufferPointer<Int64>, base: Int64, width: Int, into writer: inout ByteWriter
    ) {
        precondition(width >= 0 && width <= maxWidth, "bit width \(width) is packable")
        let byteCount = packedByteCount(count: values.count, width: width)
        let start = writer.bytes.count
        writer.bytes.append(contentsOf: repeatElement(0, count: byteCount))
        if width == 0 { return }
        writer.bytes.withUnsafeMutableBytes { raw in
            let output = raw.baseAddress! + start
            for index in 0..<values.count {
                let bit = index &* width
                let offset = UInt64(bitPattern: values[index] &- base) << UInt64(bit & 7)
                let pointer = output + (bit >> 3)
                let word = pointer.loadUnaligned(as: UInt64.self)
                pointer.storeBytes(of: word | offset.littleEndian, as: UInt64.self)
            }
        }
    }

    /// Unpacks `output.count` values of `width` bits from `packed`, adding `base` to each.
    ///
    /// - Precondition: `packed` contains at least `packedByteCount(count:width:)` bytes.
    @inline(__always)
    static func unpack(
        _ packed: UnsafeRawBufferPointer, width: Int, base: Int64, into output: UnsafeMutableBufferPointer<Int64>
    ) {
        precondition(packed.count >= packedByteCount(count: output.count, width: width), "packed bytes are complete")
        if width == 0 {
            output.initialize(repeating: base)
            return
        }
        let mask: UInt64 = (1 << UInt64(width)) &- 1
        let input = packed.baseAddress!
        for index in 0..<output.count {
            let bit = index &* width
            let word = UInt64(littleEndian: input.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
            output[index] = base &+ Int64(bitPattern: (word >> UInt64(bit & 7)) & mask)
        }
    }
}
