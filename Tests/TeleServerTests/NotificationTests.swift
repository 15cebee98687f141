// LISTEN, UNLISTEN and NOTIFY between two connections of one server: delivery to an idle
// listener, to the notifier itself, and only at COMMIT inside a transaction block.

import Testing

@testable import TeleServer

@Suite struct NotificationTests {
    private func expectNotification(
        _ client: WireClient, channel: String, payload: String, from sender: WireClient
    ) throws {
        let message = try #require(try client.readMessage(timeout: 10))
        #expect(message.type == "A")
        var reader = ByteReader(message.body)
        #expect(reader.int32() == sender.processID)
        #expect(reader.cString() == channel)
        #expect(reader.cString() == payload)
    }

    @Test func idleListenerReceivesNotify() throws {
        try withServer { server in
            let listener = try server.client()
            let sender = try server.client()
            #expect(try listener.query("LISTEN alerts").first("C")?.strings == ["LISTEN"])
            _ = try sender.rows("NOTIFY alerts, 'disk full'")
            try expectNotification(listener, channel: "alerts", payload: "disk full", from: sender)
            _ = try sender.rows("NOTIFY other, 'ignored'")
            _ = try sender.rows("NOTIFY alerts")
            try expectNotification(listener, channel: "alerts", payload: "", from: sender)
        }
    }

    @Test func notifyHeldUntilCommit() throws {
        try withServer { server in
            let listener = try server.client()
            let sender = try server.client()
            _ = try listener.rows("LISTEN jobs")
            _ = try sender.rows("BEGIN")
            _ = try sender.rows("NOTIFY jobs, 'first'")
            #expect(throws: WireClientError.self) { try listener.readMessage(timeout: 0.3) }
            _ = try sender.rows("COMMIT")
            try expectNotification(listener, channel: "jobs", payload: "first", from: sender)

            _ = try sender.rows("BEGIN")
            _ = try sender.rows("NOTIFY jobs, 'dropped'")
            _ = try sender.rows("ROLLBACK")
            _ = try sender.rows("NOTIFY jobs, 'second'")
            try expectNotification(listener, channel: "jobs", payload: "second", from: sender)
        }
    }

    @Test func notifierHearsItself() throws {
        try withServer { server in
            let client = try server.client()
            _ = try client.rows("LISTEN self")
            let messages = try client.query("NOTIFY self, 'echo'")
            #expect(messages.types == "CAZ")
        }
    }

    @Test func discardAllForgetsConnectionState() throws {
        try withServer { server in
            let client = try server.client()
            let sender = try server.client()
            _ = try client.rows("CREATE TABLE r (a INTEGER)")
            _ = try client.rows("LISTEN a")
            _ = try client.rows("DECLARE kept CURSOR WITH HOLD FOR SELECT a FROM r")
            #expect(try client.query("DISCARD ALL").first("C")?.strings == ["DISCARD ALL"])
            #expect(try client.query("FETCH 1 FROM kept").first("E")?.fields["C"] == "34000")
            _ = try sender.rows("NOTIFY a, 'lost'")
            #expect(throws: WireClientError.self) { try client.readMessage(timeout: 0.3) }
        }
    }

    @Test func unlistenStopsDelivery() throws {
        try withServer { server in
            let listener = try server.client()
            let sender = try server.client()
            _ = try listener.rows("LISTEN a")
            _ = try listener.rows("LISTEN b")
            _ = try listener.rows("UNLISTEN a")
            _ = try sender.rows("NOTIFY a, 'lost'")
            _ = try sender.rows("NOTIFY b, 'kept'")
            try expectNotification(listener, channel: "b", payload: "kept", from: sender)
            _ = try listener.rows("UNLISTEN *")
            _ = try sender.rows("NOTIFY b, 'lost'")
            #expect(throws: WireClientError.self) { try listener.readMessage(timeout: 0.3) }
        }
    }

    @Test func notificationWaitsForListenerTransaction() throws {
        try withServer { server in
            let listener = try server.client()
            let sender = try server.client()
            _ = try listener.rows("LISTEN t")
            _ = try listener.rows("BEGIN")
            _ = try sender.rows("NOTIFY t, 'later'")
            #expect(throws: WireClientError.self) { try listener.readMessage(timeout: 0.3) }
            let messages = try listener.query("COMMIT")
            #expect(messages.types == "CAZ")
        }
    }

    @Test func pgNotifyFunction() throws {
        try withServer { server in
            let listener = try server.client()
            let sender = try server.client()
            _ = try listener.rows("LISTEN fn")
            #expect(try sender.rows("SELECT pg_notify('fn', 'literal')") == [[""]])
            try expectNotification(listener, channel: "fn", payload: "literal", from: sender)

            try sender.parse("", "SELECT pg_notify($1, $2)")
            try sender.describe("S")
            try sender.bind(values: [Encode.text("fn"), Encode.text("bound")])
            try sender.execute()
            try sender.sync()
            #expect(try sender.readUntilReady().types == "1tT2DCZ")
            try expectNotification(listener, channel: "fn", payload: "bound", from: sender)
        }
    }
}
