// CRC-32C (the Castagnoli polynomial, as used by iSCSI, ext4 and Btrfs), computed in software
// with the table-driven "slicing by 16" method. Every stored column chunk and the manifest
// carry one, and readers verify it before decoding a byte.

/// Computes CRC-32C checksums.
public enum CRC32C {
    /// The reflected Castagnoli polynomial 0x1EDC6F41.
    static let polynomial: UInt32 = 0x82F6_3B78

    /// The number of bytes the main loop consumes per step.
    static let sliceCount = 16

    /// Sixteen 256-entry tables, flattened: table k advances the CRC over a byte followed by
    /// k zero bytes, which lets the loop consume sixteen bytes per step.
    static let tables: [UInt32] = {
        var table = [UInt32](repeating: 0, count: sliceCount * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 1 ? polynomial : 0) }
            table[byte] = crc
        }
        for byte in 0..<256 {
            for slice in 1..<sliceCount {
                let previous = table[(slice - 1) * 256 + byte]
                table[slice * 256 + byte] = (previous >> 8) ^ table[Int(previous & 0xFF)]
            }
        }
        return table
    }()

    /// Returns the CRC-32C of `bytes`, continuing from `initial` (the checksum of the bytes
    /// before them, or 0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt32 {
        var crc = ~initial
        let count = bytes.count
        guard count > 0, let base = bytes.baseAddress else { return initial }
        tables.withUnsafeBufferPointer { table in
            var index = 0
            while index + 16 <= count {
                let first = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let second = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self))
                let a = UInt32(truncatingIfNeeded: first) ^ crc
                let b = UInt32(truncatingIfNeeded: first >> 32)
                let c = UInt32(truncatingIfNeeded: second)
                let d = UInt32(truncatingIfNeeded: second >> 32)
                crc = lookup(table, 15, a) ^ lookup(table, 14, a >> 8) ^ lookup(table, 13, a >> 16) ^ lookup(table, 12, a >> 24)
                    ^ lookup(table, 11, b) ^ lookup(table, 10, b >> 8) ^ lookup(table, 9, b >> 16) ^ lookup(table, 8, b >> 24)
                    ^ lookup(table, 7, c) ^ lookup(table, 6, c >> 8) ^ lookup(table, 5, c >> 16) ^ lookup(table, 4, c >> 24)
                    ^ lookup(table, 3, d) ^ lookup(table, 2, d >> 8) ^ lookup(table, 1, d >> 16) ^ lookup(table, 0, d >> 24)
                index += 16
            }
            while index < count {
                let byte = base.load(fromByteOffset: index, as: UInt8.self)
                crc = (crc >> 8) ^ table[Int((crc ^ UInt32(byte)) & 0xFF)]
                index += 1
            }
        }
        return ~crc
    }

    /// Returns entry `value & 0xFF` of table `slice`.
    @inline(__always)
    private static func lookup(_ table: UnsafeBufferPointer<UInt32>, _ slice: Int, _ value: UInt32) -> UInt32 {
        table[slice &* 256 &+ Int(value & 0xFF)]
    }

    /// Returns the CRC-32C of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}
