// Malformed, truncated and oversized messages: each gets ErrorResponse 08P01 and closes its
// own connection, while the server goes on serving everyone else.

import Testing

@testable import TeleServer

@Suite struct ProtocolErrorTests {
    /// Sends `bytes` on a fresh connection and checks the FATAL 08P01 and the close.
    private func expectViolation(_ server: TestServer, _ bytes: [UInt8], closeWriting: Bool = false) throws {
        let bystander = try server.client()
        let client = try server.client()
        try client.sendRaw(bytes)
        if closeWriting { client.shutdownWriting() }
        let error = try #require(try client.readMessage(timeout: 10))
        #expect(error.type == "E")
        #expect(error.fields["S"] == "FATAL")
        #expect(error.fields["C"] == "08P01")
        #expect(try client.readMessage(timeout: 10) == nil)
        #expect(try bystander.rows("SELECT 42") == [["42"]])
        #expect(try server.client().rows("SELECT 43") == [["43"]])
    }

    private func header(_ type: Character, length: Int32) -> [UInt8] {
        var builder = BodyBuilder()
        builder.int32(length)
        return [type.asciiValue ?? 0] + builder.bytes
    }

    @Test func truncatedMessage() throws {
        try withServer { server in
            try expectViolation(server, header("Q", length: 100) + Array("SELECT".utf8), closeWriting: true)
        }
    }

    @Test func oversizedLength() throws {
        try withServer { server in
            try expectViolation(server, header("Q", length: Int32.max))
        }
    }

    @Test func lengthBelowFour() throws {
        try withServer { server in
            try expectViolation(server, header("Q", length: 2))
        }
    }

    @Test func queryWithoutTerminator() throws {
        try withServer { server in
            try expectViolation(server, header("Q", length: 10) + Array("SELECT".utf8))
        }
    }

    @Test func unknownMessageType() throws {
        try withServer { server in
            try expectViolation(server, header("z", length: 4))
        }
    }

    @Test func bindShorterThanItsCounts() throws {
        try withServer { server in
            var body = BodyBuilder()
            body.cString("")
            body.cString("")
            body.int16(0)
            body.int16(3)
            body.int32(50)
            try expectViolation(server, header("B", length: Int32(body.bytes.count + 4)) + body.bytes)
        }
    }

    @Test func dataSurvivesViolations() throws {
        try withServer { server in
            let writer = try server.client()
            _ = try writer.rows("CREATE TABLE kept (a INTEGER)")
            _ = try writer.rows("INSERT INTO kept VALUES (1), (2)")
            try expectViolation(server, header("Q", length: Int32.max))
            #expect(try writer.rows("SELECT sum(a) FROM kept") == [["3"]])
        }
    }

    @Test func randomFramesNeverStopServer() throws {
        try withServer { server in
            var generator = SplitMix64(seed: 42)
            let types = Array("QPBDECHSXdcfFpz".utf8)
            for _ in 0..<200 {
                let client = try server.client()
                client.timeout = 10
                for _ in 0..<5 {
                    let type = types[Int(generator.next() % UInt64(types.count))]
                    let body = (0..<Int(generator.next() % 64)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                    try? client.send(Character(UnicodeScalar(type)), body)
                }
                client.shutdownWriting()
                // Drain whatever the server sends until it closes the connection.
                while (try? client.readMessage(timeout: 10)) ?? nil != nil {}
            }
            #expect(try server.client().rows("SELECT 6") == [["6"]])
        }
    }
}

/// A small deterministic random generator, so a failing sequence can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
