// The MD5 digest (RFC 1321), for SQL's md5(text). MD5 is broken as a cryptographic hash; SQL
// uses it for checksums and stable pseudo-random keys.

enum MD5 {
    /// Per-round left-rotation amounts from RFC 1321.
    private static let shifts: [UInt32] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ]

    /// The additive constants: floor(abs(sin(i + 1)) * 2^32).
    private static let constants: [UInt32] = (0..<64).map { index in
        UInt32(truncatingIfNeeded: Int64((abs(sin(Double(index + 1))) * 4_294_967_296.0).rounded(.down)))
    }

    /// Computes the digest of `message` as 32 lowercase hexadecimal digits.
    static func hexDigest(_ message: [UInt8]) -> String {
        var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476)

        // Padding: a 1 bit, zeros up to 56 bytes mod 64, then the bit length little-endian.
        var data = message
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        let bitLength = UInt64(message.count) &* 8
        for shift in stride(from: 0, to: 64, by: 8) { data.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }

        var words = [UInt32](repeating: 0, count: 16)
        for blockStart in stride(from: 0, to: data.count, by: 64) {
            for index in 0..<16 {
                let base = blockStart + index * 4
                words[index] =
                    UInt32(data[base]) | UInt32(data[base + 1]) << 8 | UInt32(data[base + 2]) << 16
                    | UInt32(data[base + 3]) << 24
            }
            var (a, b, c, d) = state
            for round in 0..<64 {
                var mixed: UInt32
                var wordIndex: Int
                switch round {
                case 0..<16:
                    mixed = (b & c) | (~b & d)
                    wordIndex = round
                case 16..<32:
                    mixed = (d & b) | (~d & c)
                    wordIndex = (5 * round + 1) % 16
                case 32..<48:
                    mixed = b ^ c ^ d
                    wordIndex = (3 * round + 5) % 16
                default:
                    mixed = c ^ (b | ~d)
                    wordIndex = (7 * round) % 16
                }
                mixed = mixed &+ a &+ constants[round] &+ words[wordIndex]
                a = d
                d = c
                c = b
                b = b &+ ((mixed << shifts[round]) | (mixed >> (32 - shifts[round])))
            }
            state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
        }

        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for word in [state.0, state.1, state.2, state.3] {
            for byteIndex in 0..<4 {
                let byte = UInt8(truncatingIfNeeded: word >> UInt32(byteIndex * 8))
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 15)])
            }
        }
        return String(decoding: text, as: UTF8.self)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
