// The byte layout of one stored column chunk, shared by the encoder and the decoder.
//
//   offset  size  field
//   0       1     encoding (ColumnEncoding raw value)
//   1       1     flags: bit 0 = a validity bitmap precedes the values, bit 1 = body is LZ4
//   2       2     reserved, 0
//   4       4     row count
//   8       4     body length before compression
//   12      4     stored body length
//   16      n     stored body
//   16 + n  4     CRC-32C of bytes 0 ..< 16 + n
//
// The body is the validity bitmap (one UInt64 word per 64 rows, bit set = valid) when the
// chunk has NULLs, followed by the values in the chunk's encoding. All integers are
// little-endian; arrays of plain values are copied as memory, which assumes a little-endian
// host (x86-64 and ARM64 both are).

/// The encoding of a column chunk's values, applied before LZ4.
enum ColumnEncoding: UInt8 {
    /// Values as they lie in memory: bytes for BOOLEAN, Int64, Double, offsets and bytes for
    /// strings, field arrays for INTERVAL, one record per HISTOGRAM.
    case plain = 0
    /// Int64 only: the minimum, then each value minus the minimum, bit-packed.
    case frameOfReference = 1
    /// Int64 only: the first value, then the differences between neighbours as a frame of
    /// reference, bit-packed. Wins on sorted columns such as timestamps.
    case delta = 2
    /// Strings only: the distinct strings, then each row's code into them, bit-packed.
    case dictionary = 3
}

enum ColumnChunkFormat {
    static let headerSize = 16
    static let checksumSize = 4
    static let validityFlag: UInt8 = 1
    static let compressedFlag: UInt8 = 2

    /// Dictionary encoding applies when a chunk has at most this many distinct strings (and
    /// fewer than half as many as rows).
    static let maxDictionarySize = 4096

    /// Returns whether LZ4 output is worth storing: it must shrink the body to at most 7/8
    /// of its size. The threshold is an estimate of where the saving stops repaying the
    /// decompression time.
    static func compressionPays(raw: Int, compressed: Int) -> Bool {
        compressed * 8 <= raw * 7
    }
}
