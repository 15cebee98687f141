import Testing

@testable import TeleStorage

@Suite struct CRC32CTests {
    @Test func standardCheckValue() {
        // The check value of CRC-32C, which is by definition the checksum of the ASCII digits 1 to 9.
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test func emptyInputIsZero() {
        #expect(CRC32C.checksum([]) == 0)
    }

    @Test func thirtyTwoZeroBytes() {
        // A second fixed input: 32 zero bytes, which also exercises the 16-byte main loop.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    }

    /// Computes CRC-32C one bit at a time, the definition the tables must agree with.
    private func bitwiseChecksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    @Test func tablesMatchBitwiseDefinition() {
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 13) }
        for start in 0..<3 {
            for end in start...bytes.count where end % 7 == 0 || end - start < 40 {
                let slice = bytes[start..<end]
                let tableValue = slice.withUnsafeBytes { CRC32C.checksum($0) }
                #expect(tableValue == bitwiseChecksum(slice), "bytes \(start)..<\(end)")
            }
        }
    }

    @Test func continuationMatchesWhole() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let whole = CRC32C.checksum(bytes)
        let first = bytes[0..<333].withUnsafeBytes { CRC32C.checksum($0) }
        let both = bytes[333...].withUnsafeBytes { CRC32C.checksum($0, initial: first) }
        #expect(both == whole)
    }
}
