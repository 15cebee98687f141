// The real psql client (postgresql-client from Debian) against an in-process server, and the
// `teledb serve` executable started as a separate process. Both skip when the program is
// missing.

import Foundation
import Testing

@testable import TeleServer

let psqlPath = "/usr/bin/psql"

/// The repository root, found from this file's path.
private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Runs a program to its end and returns its exit status, stdout and stderr.
func run(_ path: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> (
    status: Int32, output: String, error: String
) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["PGCONNECT_TIMEOUT"] = "10"
    environment["PSQLRC"] = "/dev/null"
    environment.merge(extra) { _, new in new }
    process.environment = environment
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
}

@Suite struct PsqlTests {
    private func psql(_ port: Int, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        try run(psqlPath, ["-h", "127.0.0.1", "-p", String(port), "-U", "x", "-d", "db", "-X", "-A", "-t"] + arguments)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: psqlPath)))
    func psqlRunsStatements() throws {
        try withServer { server in
            let setup = try psql(server.port, [
                "-c", "CREATE TABLE m (host VARCHAR, value DOUBLE, ok BOOLEAN)",
                "-c", "INSERT INTO m VALUES ('a', 1.5, true), ('b', 2.25, false)",
            ])
            #expect(setup.status == 0, "\(setup.error)")
            let result = try psql(server.port, ["-c", "SELECT host, value, ok FROM m ORDER BY host"])
            #expect(result.status == 0, "\(result.error)")
            #expect(result.output == "a|1.5|t\nb|2.25|f\n")
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: psqlPath)))
    func psqlShowsErrorPosition() throws {
        try withServer { server in
            let result = try psql(server.port, ["-c", "SELECT 1 +* 2"])
            #expect(result.status == 1)
            #expect(result.error.contains("ERROR:  syntax error"))
            #expect(result.error.contains("LINE 1: SELECT 1 +* 2"))
            #expect(result.error.contains("^"))
        }
    }
}

@Suite struct ServeCommandTests {
    @Test func parsesOptions() throws {
        let options = try ServeCommand.parse([
            "db", "--host", "127.0.0.1", "--port", "0", "--idle-timeout", "30", "--statement-timeout", "0",
        ])
        #expect(options.databasePath == "db")
        #expect(options.port == 0)
        #expect(options.idleTimeout == 30)
        #expect(options.statementTimeout == nil)
    }

    @Test(arguments: [
        ["--port", "5433"], ["db", "--port", "70000"], ["db", "--port"], ["db", "--bogus"], ["db", "--tls-cert", "c.pem"],
        ["db", "--idle-timeout", "-1"], ["a", "b"],
    ])
    func rejectsBadArguments(_ arguments: [String]) {
        #expect(throws: (any Error).self) { try ServeCommand.parse(arguments) }
    }

    @Test func executableServesAndStopsOnSigterm() throws {
        let binary = repositoryRoot.appendingPathComponent(".build/debug/teledb").path
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build teledb first")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teledb-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", directory.appendingPathComponent("db").path, "--port", "0"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        var line = ""
        while !line.hasSuffix("\n") {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            line += String(decoding: byte, as: UTF8.self)
        }
        #expect(line.hasPrefix("listening on 127.0.0.1:"))
        let port = try #require(Int(line.split(separator: ":").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))

        let client = try WireClient.connected(port: port)
        _ = try client.rows("CREATE TABLE kept (a INTEGER)")
        _ = try client.rows("INSERT INTO kept VALUES (1), (2), (3)")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("received SIGTERM"))
        #expect(log.contains("server stopped"))

        // The committed rows are there after a restart.
        let reopened = try run(binary, [directory.appendingPathComponent("db").path, "-c", "SELECT sum(a) FROM kept", "--mode", "csv"])
        #expect(reopened.output.contains("6"))
    }
}
