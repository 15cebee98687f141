// MD5 (RFC 1321): the SQL function md5() and the digests sqllogictest uses to abbreviate
// large expected results.
//
// MD5 is broken as a cryptographic hash; here it only has to match digests that other
// engines and the test files already use.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Computes MD5 digests.
public enum MD5 {
    /// Returns the digest of `bytes` as 32 lowercase hexadecimal digits.
    public static func hexDigest<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        digest(bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    public static func hexDigest(_ text: String) -> String {
        hexDigest(Array(text.utf8))
    }

    /// Returns the 16-byte digest of `bytes`.
    public static func digest<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [UInt8] {
        // Pad with 0x80, zeros up to 56 bytes mod 64, then the bit length, little-endian.
        var message = Array(bytes)
        let bitLength = UInt64(message.count) &* 8
        message.append(0x80)
        while message.count % 64 != 56 { message.append(0) }
        for shift in stride(from: 0, to: 64, by: 8) { message.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }

        var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476)
        var words = [UInt32](repeating: 0, count: 16)
        for blockStart in stride(from: 0, to: message.count, by: 64) {
            for index in 0..<16 {
                let offset = blockStart + index * 4
                words[index] = UInt32(message[offset]) | UInt32(message[offset + 1]) << 8
                    | UInt32(message[offset + 2]) << 16 | UInt32(message[offset + 3]) << 24
            }
            compress(&state, words)
        }

        var output: [UInt8] = []
        for word in [state.0, state.1, state.2, state.3] {
            for shift in stride(from: 0, to: 32, by: 8) { output.append(UInt8(truncatingIfNeeded: word >> UInt32(shift))) }
        }
        return output
    }

    /// Per-round left-rotation amounts, from RFC 1321 section 3.4.
    private static let shifts: [UInt32] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ]

    /// The additive constants: floor(abs(sin(i + 1)) * 2^32) for i in 0..<64.
    private static let constants: [UInt32] = (0..<64).map { index in
        UInt32(truncatingIfNeeded: Int64((abs(sin(Double(index + 1))) * 4_294_967_296).rounded(.down)))
    }

    private static func compress(_ state: inout (UInt32, UInt32, UInt32, UInt32), _ words: [UInt32]) {
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
                wordIndex = (5 &* round &+ 1) % 16
            case 32..<48:
                mixed = b ^ c ^ d
                wordIndex = (3 &* round &+ 5) % 16
            default:
                mixed = c ^ (b | ~d)
                wordIndex = (7 &* round) % 16
            }
            mixed = mixed &+ a &+ constants[round] &+ words[wordIndex]
            a = d
            d = c
            c = b
            b = b &+ ((mixed << shifts[round]) | (mixed >> (32 - shifts[round])))
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
    }
}
