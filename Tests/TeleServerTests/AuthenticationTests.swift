// Authentication and TLS: trust while no user exists, SCRAM-SHA-256 once one does (checked
// with the real psql, which implements the client side), and TLS after an SSLRequest.

import Foundation
import Testing

@testable import TeleServer
import TeleSecurity

@Suite struct AuthenticationTests {
    private var hasPsql: Bool { FileManager.default.isExecutableFile(atPath: psqlPath) }

    private func psql(_ port: Int, user: String, password: String?, sslMode: String = "disable") throws -> (
        status: Int32, output: String, error: String
    ) {
        var environment = ["PGSSLMODE": sslMode]
        if let password { environment["PGPASSWORD"] = password }
        return try run(
            psqlPath, ["-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", "db", "-X", "-A", "-t", "-w", "-c", "SELECT 5"],
            environment: environment)
    }

    @Test func usersRequireSASL() throws {
        try withServer { server in
            let admin = try server.client()
            _ = try admin.rows("CREATE USER analyst PASSWORD 'correct horse'")
            let client = try WireClient(port: server.port)
            try client.sendStartup(user: "analyst")
            let request = try #require(try client.readMessage())
            #expect(request.type == "R")
            var reader = ByteReader(request.body)
            #expect(reader.int32() == 10)
            #expect(reader.cString() == "SCRAM-SHA-256")

            // A mechanism the server did not offer ends the connection.
            var response = BodyBuilder()
            response.cString("PLAIN")
            response.int32(0)
            try client.send("p", response.bytes)
            let error = try #require(try client.readMessage())
            #expect(error.fields["S"] == "FATAL")
            #expect(error.fields["C"] == "08P01")
        }
    }

    @Test func psqlScramPasswords() throws {
        try #require(hasPsql, "psql is not installed")
        try withServer { server in
            _ = try server.client().rows("CREATE USER analyst PASSWORD 'correct horse'")
            let right = try psql(server.port, user: "analyst", password: "correct horse")
            #expect(right.status == 0, "\(right.error)")
            #expect(right.output == "5\n")
            let wrong = try psql(server.port, user: "analyst", password: "battery staple")
            #expect(wrong.status == 2)
            #expect(wrong.error.contains("password authentication failed for user \"analyst\""))
            let unknown = try psql(server.port, user: "nobody", password: "correct horse")
            #expect(unknown.status == 2)
            #expect(unknown.error.contains("password authentication failed for user \"nobody\""))
            let missing = try psql(server.port, user: "analyst", password: nil)
            #expect(missing.status == 2)
            #expect(!server.log.joined().contains("correct horse"))
        }
    }

    @Test func psqlOverTLS() throws {
        try #require(hasPsql, "psql is not installed")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teledb-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = directory.appendingPathComponent("server.crt").path
        let key = directory.appendingPathComponent("server.key").path
        let made = try run(
            "/usr/bin/openssl",
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=127.0.0.1"])
        try #require(made.status == 0, "openssl req failed: \(made.error)")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)

        let tls = try TLSContext(certificatePath: certificate, keyPath: key)
        let server = try TestServer(tls: tls)
        defer { server.shutDown() }
        let result = try psql(server.port, user: "x", password: nil, sslMode: "require")
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output == "5\n")
        #expect(server.log.contains { $0.contains("tls=on") })
    }
}
