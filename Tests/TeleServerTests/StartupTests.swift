// The startup phase: settings, backend key, the replies to SSLRequest and GSSENCRequest, and
// startup packets the server must reject.

import Foundation
import Testing

@testable import TeleServer

@Suite struct StartupTests {
    @Test func startupReportsSettings() throws {
        try withServer { server in
            let client = try WireClient(port: server.port)
            try client.sendStartup(user: "tester", extra: ["application_name": "wire-tests"])
            let messages = try client.readUntilReady()
            #expect(messages.first?.type == "R")
            #expect(messages.first?.body == [0, 0, 0, 0])
            #expect(messages.last?.type == "Z")
            #expect(messages.last?.body == [UInt8(ascii: "I")])
            #expect(client.processID > 0)
            #expect(client.parameters["server_version"]?.hasPrefix("15") == true)
            #expect(client.parameters["server_encoding"] == "UTF8")
            #expect(client.parameters["client_encoding"] == "UTF8")
            #expect(client.parameters["DateStyle"] == "ISO, MDY")
            #expect(client.parameters["integer_datetimes"] == "on")
            #expect(client.parameters["standard_conforming_strings"] == "on")
            #expect(client.parameters["TimeZone"] == "UTC")
            #expect(client.parameters["IntervalStyle"] == "postgres")
            #expect(client.parameters["application_name"] == "wire-tests")
            #expect(client.parameters["is_superuser"] == "on")
        }
    }

    @Test func setResendsParameterStatus() throws {
        try withServer { server in
            let client = try server.client()
            let messages = try client.query("SET application_name = 'renamed'")
            let status = try #require(messages.first("S"))
            #expect(status.strings == ["application_name", "renamed"])
            #expect(messages.first("C")?.strings == ["SET"])
        }
    }

    @Test func sslRequestAnsweredNo() throws {
        try withServer { server in
            let client = try WireClient(port: server.port)
            var request = BodyBuilder()
            request.int32(80_877_103)
            try client.sendPacket(request.bytes)
            #expect(try client.readByte() == UInt8(ascii: "N"))
            var gss = BodyBuilder()
            gss.int32(80_877_104)
            try client.sendPacket(gss.bytes)
            #expect(try client.readByte() == UInt8(ascii: "N"))
            try client.sendStartup(user: "tester")
            #expect(try client.readUntilReady().last?.type == "Z")
            #expect(try client.rows("SELECT 1") == [["1"]])
        }
    }

    @Test func missingUserIsFatal() throws {
        try withServer { server in
            let client = try WireClient(port: server.port)
            try client.sendStartup(user: nil)
            let error = try #require(try client.readMessage())
            #expect(error.type == "E")
            #expect(error.fields["S"] == "FATAL")
            #expect(error.fields["C"] == "28000")
            #expect(try client.readMessage() == nil)
        }
    }

    @Test func oversizedStartupPacketRejected() throws {
        try withServer { server in
            let client = try WireClient(port: server.port)
            var packet = BodyBuilder()
            packet.int32(1 << 30)
            packet.int32(196_608)
            try client.sendRaw(packet.bytes)
            let error = try #require(try client.readMessage())
            #expect(error.fields["C"] == "08P01")
            #expect(try client.readMessage() == nil)
            #expect(try server.client().rows("SELECT 2") == [["2"]])
        }
    }

    @Test func unsupportedProtocolRejected() throws {
        try withServer { server in
            let client = try WireClient(port: server.port)
            var packet = BodyBuilder()
            packet.int32(2 << 16)
            packet.bytes.append(0)
            try client.sendPacket(packet.bytes)
            let error = try #require(try client.readMessage())
            #expect(error.fields["C"] == "0A000")
            #expect(error.fields["S"] == "FATAL")
        }
    }

    @Test func tooManyConnectionsRefused() throws {
        try withServer(maxConnections: 1) { server in
            let first = try server.client()
            #expect(throws: WireClient.StartupFailure.self) { try server.client() }
            let second = try WireClient(port: server.port)
            try second.sendStartup(user: "tester")
            let error = try #require(try second.readMessage())
            #expect(error.fields["C"] == "53300")
            #expect(try first.rows("SELECT 3") == [["3"]])
        }
    }

    @Test func stalledStartupTimesOut() throws {
        let server = try TestServer(startupTimeout: 0.3)
        defer { server.shutDown() }
        let silent = try WireClient(port: server.port)
        #expect(try silent.readMessage(timeout: 10) == nil)
        let partial = try WireClient(port: server.port)
        try partial.sendRaw([0, 0, 0, 40, 0, 3])
        #expect(try partial.readMessage(timeout: 10) == nil)
        // A client that finished startup is not bound by the startup timeout.
        let client = try server.client()
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try client.rows("SELECT 4") == [["4"]])
    }
}
