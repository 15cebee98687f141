// A wire server for one test: a fresh database in a temporary directory, served on a free
// loopback port, with the log kept in memory so tests can check what it wrote.

import Foundation
import Synchronization
import TeleDB
import TeleSecurity
@testable import TeleServer

final class TestServer: Sendable {
    let server: WireServer
    let directory: URL
    private let lines = LogLines()

    init(
        idleTimeout: Double? = nil, statementTimeout: Double? = nil, startupTimeout: Double = 60, maxConnections: Int = 100,
        tls: TLSContext? = nil
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("teledb-wire-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let lines = self.lines
        let database = try Database.open(path: directory.appendingPathComponent("db").path)
        let configuration = ServerConfiguration(
            port: 0, idleTimeout: idleTimeout, statementTimeout: statementTimeout, startupTimeout: startupTimeout,
            maxConnections: maxConnections, tls: tls,
            log: ServerLog(sink: { line in lines.append(line) }))
        server = try WireServer(database: database, configuration: configuration)
        try server.start()
    }

    var port: Int { server.port }

    /// The log lines written so far.
    var log: [String] { lines.all }

    func client(user: String = "tester", extra: [String: String] = [:]) throws -> WireClient {
        try WireClient.connected(port: port, user: user, extra: extra)
    }

    /// Stops the server and removes its directory.
    func shutDown() {
        server.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Log lines collected from the server's threads.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    var all: [String] { lines.withLock { $0 } }
}

/// Runs `body` against a fresh server and always shuts it down.
func withServer<T>(
    idleTimeout: Double? = nil, statementTimeout: Double? = nil, maxConnections: Int = 100,
    _ body: (TestServer) throws -> T
) throws -> T {
    let server = try TestServer(idleTimeout: idleTimeout, statementTimeout: statementTimeout, maxConnections: maxConnections)
    defer { server.shutDown() }
    return try body(server)
}

extension Array where Element == BackendMessageRecord {
    var types: String { String(map(\.type)) }

    func first(_ type: Character) -> BackendMessageRecord? { first { $0.type == type } }
}
