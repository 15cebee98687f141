// Stopping long statements: CancelRequest with the backend key, statement timeouts, and a
// client that disconnects while its query runs. Each long query is a three-way cross join,
// which runs for minutes unless something stops it.

import Foundation
import Testing

@testable import TeleServer

@Suite struct CancelTests {
    static let longQuery = "SELECT count(*) FROM big a, big b, big c"

    /// Connects a client and creates table `big` with 2000 rows.
    private func loaded(_ server: TestServer) throws -> WireClient {
        let client = try server.client()
        _ = try client.rows("CREATE TABLE big (a INTEGER)")
        let values = (1...2000).map { "(\($0))" }.joined(separator: ", ")
        _ = try client.rows("INSERT INTO big VALUES \(values)")
        return client
    }

    private func sendQuery(_ client: WireClient, _ sql: String) throws {
        var body = BodyBuilder()
        body.cString(sql)
        try client.send("Q", body.bytes)
    }

    private func sendCancel(port: Int, processID: Int32, secretKey: Int32) throws {
        let canceller = try WireClient(port: port)
        var packet = BodyBuilder()
        packet.int32(80_877_102)
        packet.int32(processID)
        packet.int32(secretKey)
        try canceller.sendPacket(packet.bytes)
        // The server replies to a CancelRequest by closing the connection.
        #expect(try canceller.readMessage(timeout: 10) == nil)
    }

    @Test func cancelRequestStopsLongQuery() throws {
        try withServer { server in
            let client = try loaded(server)
            try sendQuery(client, Self.longQuery)
            Thread.sleep(forTimeInterval: 0.3)

            // A wrong key cancels nothing.
            try sendCancel(port: server.port, processID: client.processID, secretKey: client.secretKey &+ 1)
            #expect(throws: WireClientError.self) { try client.readMessage(timeout: 0.5) }

            let start = Date()
            try sendCancel(port: server.port, processID: client.processID, secretKey: client.secretKey)
            let messages = try client.readUntilReady()
            #expect(Date().timeIntervalSince(start) < 10)
            let error = try #require(messages.first("E"))
            #expect(error.fields["C"] == "57014")
            #expect(error.fields["M"] == "canceling statement due to user request")
            #expect(try client.rows("SELECT 1") == [["1"]])
        }
    }

    @Test func serverStatementTimeout() throws {
        try withServer(statementTimeout: 0.3) { server in
            let client = try loaded(server)
            let messages = try client.query(Self.longQuery)
            let error = try #require(messages.first("E"))
            #expect(error.fields["C"] == "57014")
            #expect(error.fields["M"] == "canceling statement due to statement timeout")
            #expect(try client.rows("SELECT 2") == [["2"]])
        }
    }

    @Test func sessionStatementTimeout() throws {
        try withServer { server in
            let client = try loaded(server)
            _ = try client.rows("SET statement_timeout = 200")
            let messages = try client.query(Self.longQuery)
            #expect(messages.first("E")?.fields["M"] == "canceling statement due to statement timeout")
            _ = try client.rows("SET statement_timeout = 0")
            #expect(try client.rows("SELECT count(*) FROM big") == [["2000"]])
        }
    }

    @Test func disconnectMidQueryLeavesOthersServed() throws {
        try withServer { server in
            let leaving = try loaded(server)
            let staying = try server.client()
            try sendQuery(leaving, Self.longQuery)
            Thread.sleep(forTimeInterval: 0.2)

            // The long query does not hold up another connection.
            #expect(try staying.rows("SELECT count(*) FROM big") == [["2000"]])

            let leavingID = leaving.processID
            withExtendedLifetime(leaving) { leaving.shutdownWriting() }
            let deadline = Date().addingTimeInterval(15)
            while server.server.connectionCount > 1, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            #expect(server.server.connectionCount == 1)
            #expect(server.log.contains { $0.contains("connection \(leavingID) closed") })
            #expect(try staying.rows("SELECT 3") == [["3"]])
        }
    }

    @Test func idleTimeoutClosesConnection() throws {
        try withServer(idleTimeout: 0.3) { server in
            let client = try server.client()
            let error = try #require(try client.readMessage(timeout: 10))
            #expect(error.fields["S"] == "FATAL")
            #expect(error.fields["C"] == "57P05")
            #expect(try client.readMessage(timeout: 10) == nil)
        }
    }

    @Test func stopTerminatesConnections() throws {
        let server = try TestServer()
        let client = try loaded(server)
        try sendQuery(client, Self.longQuery)
        Thread.sleep(forTimeInterval: 0.2)
        let start = Date()
        server.shutDown()
        #expect(Date().timeIntervalSince(start) < 10)
        let error = try #require(try client.readMessage(timeout: 10))
        #expect(error.fields["C"] == "57P01")
        #expect(try client.readMessage(timeout: 10) == nil)
        #expect(server.log.last?.contains("server stopped") == true)
    }
}
