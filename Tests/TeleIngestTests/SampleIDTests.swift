// sample_id: CRC-32 of the lower-cased client id, modulo 100.

import Testing
@testable import TeleIngest

@Suite struct SampleIDTests {
    @Test func knownVectors() {
        #expect(sampleID(clientID: "2907648d-711b-4e9f-94b5-52a2b40a44b1") == 67)
        #expect(sampleID(clientID: "90210716-99f8-0a4f-8119-9bfc16cd68a3") == 17)
    }

    @Test func upperCaseIdMatchesLowerCase() {
        #expect(sampleID(clientID: "2907648D-711B-4E9F-94B5-52A2B40A44B1") == 67)
    }

    @Test func crc32CheckValue() {
        // The standard CRC-32 check value for the ASCII digits 1 to 9.
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }
}
