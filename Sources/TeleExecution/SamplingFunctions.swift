// The scalar function `sample_id(text)`: Mozilla telemetry's client bucket, the CRC-32 of
// the UTF-8 bytes of the lower-cased client id modulo 100. `SAMPLE n PERCENT BY column`
// keeps the rows whose bucket is below n, so the same clients are chosen in every table
// and every run. The CRC-32 is the zlib one (IEEE 802.3 polynomial, reflected, initial and
// final XOR 0xFFFFFFFF). It lives here as well as in the ingest target, because execution
// cannot import that target.

import TeleCore

public enum SampleBucket {
    private static let crcTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    /// Computes the zlib CRC-32 of `bytes`.
    public static func crc32(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        crcTable.withUnsafeBufferPointer { table in
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
            return crc ^ 0xFFFF_FFFF
        }
    }

    /// Computes the `sample_id` bucket (0...99) of a client id.
    public static func sampleID(_ clientID: String) -> Int64 {
        // Client ids are ASCII UUIDs in practice; `lowercased()` also covers other text.
        var lowered = clientID.lowercased()
        return lowered.withUTF8 { Int64(crc32($0) % 100) }
    }
}

extension ScalarFunctionRegistry {
    static func registerSamplingFunctions(into catalog: inout [String: [FunctionOverload]]) {
        // NOTE: a row kernel boxes each value. The planner calls this only for tables without
        // a stored sample_id column, where the CRC dominates the cost anyway.
        catalog["sample_id"] = [
            FunctionOverload(parameters: [.varchar], returnType: .bigint) { arguments, count in
                try rowKernel(arguments, count: count, returnType: .bigint) { values in
                    .integer(SampleBucket.sampleID(values[0].stringValue))
                }
            }
        ]
    }
}
