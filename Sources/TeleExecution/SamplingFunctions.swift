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
        var text = clientID
        return text.withUTF8 { sampleID(bytes: $0) }
    }

    /// Computes the `sample_id` bucket of a client id given as UTF-8 bytes.
    public static func sampleID(bytes: UnsafeBufferPointer<UInt8>) -> Int64 {
        guard bytes.allSatisfy({ $0 < 0x80 }) else {
            // Non-ASCII text needs Unicode lower-casing, which may change the byte count.
            var lowered = String(decoding: bytes, as: UTF8.self).lowercased()
            return lowered.withUTF8 { Int64(crc32($0) % 100) }
        }
        // ASCII: lower-case each byte as the CRC consumes it, without a copy.
        return crcTable.withUnsafeBufferPointer { table in
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                let lowered = byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
                crc = table[Int((crc ^ UInt32(lowered)) & 0xFF)] ^ (crc >> 8)
            }
            return Int64((crc ^ 0xFFFF_FFFF) % 100)
        }
    }

    /// Computes `sample_id` for every row of a text vector; NULL rows stay NULL.
    static func sampleIDs(_ input: Vector, count: Int) throws -> Vector {
        var buckets = [Int64](repeating: 0, count: count)
        switch input.storage {
        case .string(let column):
            for row in 0..<count where input.validity.isValid(row) {
                buckets[row] = column.withBytes(row) { sampleID(bytes: $0) }
            }
        case .dictionary(let codes, let dictionary):
            // One CRC per distinct value, then a lookup per row.
            let perEntry = (0..<dictionary.count).map { entry in dictionary.withBytes(entry) { sampleID(bytes: $0) } }
            for row in 0..<count where input.validity.isValid(row) {
                buckets[row] = perEntry[Int(codes[row])]
            }
        default:
            return try rowKernel([input], count: count, returnType: .bigint) { values in
                .integer(sampleID(values[0].stringValue))
            }
        }
        return .int64(buckets, validity: input.validity)
    }
}

extension ScalarFunctionRegistry {
    static func registerSamplingFunctions(into catalog: inout [String: [FunctionOverload]]) {
        catalog["sample_id"] = [
            FunctionOverload(parameters: [.varchar], returnType: .bigint) { arguments, count in
                try SampleBucket.sampleIDs(arguments[0], count: count)
            }
        ]
    }
}
