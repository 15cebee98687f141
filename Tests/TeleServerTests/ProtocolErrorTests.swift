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
}
