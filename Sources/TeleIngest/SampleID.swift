// Telemetry's `sample_id`: a stable bucket 0...99 per client, so that a 1% sample of clients
// (`sample_id = 42`) is the same set in every table and every day.

/// CRC-32 as zlib computes it (IEEE 802.3 polynomial, reflected, initial and final XOR
/// 0xFFFFFFFF), table-driven.
public enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    public static func checksum(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        table.withUnsafeBufferPointer { table in
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
            return crc ^ 0xFFFF_FFFF
        }
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { checksum($0) }
    }
}

/// Computes Mozilla's `sample_id` for a client id: CRC-32 of the UTF-8 bytes of the
/// lower-cased id, modulo 100.
public func sampleID(clientID bytes: UnsafeBufferPointer<UInt8>) -> Int64 {
    if bytes.allSatisfy({ $0 < 0x80 }) {
        var lowered = [UInt8](bytes)
        for index in lowered.indices where lowered[index] &- UInt8(ascii: "A") < 26 { lowered[index] |= 0x20 }
        return Int64(CRC32.checksum(lowered) % 100)
    }
    // Client ids are UUIDs in practice; other text gets full Unicode lower-casing.
    let lowered = Array(String(decoding: bytes, as: UTF8.self).lowercased().utf8)
    return Int64(CRC32.checksum(lowered) % 100)
}

/// Computes `sample_id` for a client id given as a String.
public func sampleID(clientID: String) -> Int64 {
    var text = clientID
    return text.withUTF8 { sampleID(clientID: $0) }
}
