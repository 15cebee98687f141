// Interoperability with libpq: the real psql binary authenticates with SCRAM-SHA-256 against
// a minimal PostgreSQL protocol responder built on ScramServerExchange, over a plain socket
// and over TLSStream. The responder speaks only the startup, SASL and one simple query, which
// is all `psql -c 'SELECT 1'` needs.

import Foundation
import TeleCore
import Testing
@testable import TeleSecurity

#if canImport(Glibc)
    import Glibc
#endif

/// Reads exactly `count` bytes, or throws at the end of the stream.
func readExactly(_ count: Int, from stream: any ByteStream) throws -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    var filled = 0
    while filled < count {
        let received = try bytes.withUnsafeMutableBytes { buffer in
            try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
        }
        if received == 0 { throw TeleError(.protocolViolation, "the client closed the connection") }
        filled += received
    }
    return bytes
}

func int32(_ bytes: ArraySlice<UInt8>) -> Int {
    bytes.reduce(0) { ($0 << 8) | Int($1) }
}

func bigEndian(_ value: Int32) -> [UInt8] {
    withUnsafeBytes(of: value.bigEndian) { Array($0) }
}

/// Frames a message: the type byte, then a length that counts itself, then the body.
func message(_ type: Character, _ body: [UInt8]) -> [UInt8] {
    [UInt8(ascii: type.unicodeScalars.first!)] + bigEndian(Int32(body.count + 4)) + body
}

func cString(_ text: String) -> [UInt8] { Array(text.utf8) + [0] }

/// What the responder observed during one connection.
struct ResponderOutcome: Sendable {
    var authenticated: Bool
    var usedTLS: Bool
    var gs2Flag: String
    var error: TeleError?
}

/// Serves one connection: the startup (with SSLRequest when `tls` is given), SCRAM-SHA-256
/// against the verifier in `users`, and a fixed reply to one simple query.
func respondToOnePostgresClient(
    socket: Int32, tls: TLSContext?, users: [String: ScramVerifier]
) throws -> ResponderOutcome {
    var stream: any ByteStream = SocketStream(fileDescriptor: socket)
    var outcome = ResponderOutcome(authenticated: false, usedTLS: false, gs2Flag: "", error: nil)
    defer { stream.close() }

    // Startup, after any number of SSLRequest or GSSENCRequest packets.
    var parameters: [String: String] = [:]
    while true {
        let length = int32(try readExactly(4, from: stream)[...])
        let body = try readExactly(length - 4, from: stream)
        let code = int32(body[0..<4])
        if code == 80_877_103, let tls, !outcome.usedTLS {
            try stream.write(Array("S".utf8))
            stream = try tls.accept(fileDescriptor: socket)
            outcome.usedTLS = true
            continue
        }
        if code == 80_877_103 || code == 80_877_104 {
            try stream.write(Array("N".utf8))
            continue
        }
        let fields = body[4...].split(separator: 0, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        for index in stride(from: 0, to: fields.count - 1, by: 2) where !fields[index].isEmpty {
            parameters[fields[index]] = fields[index + 1]
        }
        break
    }
    let user = parameters["user"] ?? ""

    // SASL: AuthenticationSASL, SASLInitialResponse, SASLContinue, SASLResponse, SASLFinal.
    let exchange = try ScramServerExchange(user: user, verifier: users[user])
    try stream.write(message("R", bigEndian(10) + cString(ScramServerExchange.mechanism) + [0]))
    do {
        let initial = try readMessage(from: stream, expecting: "p")
        guard let nameEnd = initial.firstIndex(of: 0) else { throw TeleError(.protocolViolation, "no mechanism") }
        let clientFirst = Array(initial[(nameEnd + 5)...])
        outcome.gs2Flag = String(decoding: clientFirst.prefix(1), as: UTF8.self)
        let serverFirst = try exchange.receiveClientFirst(clientFirst)
        try stream.write(message("R", bigEndian(11) + serverFirst))

        let clientFinal = try readMessage(from: stream, expecting: "p")
        let serverFinal = try exchange.receiveClientFinal(clientFinal)
        try stream.write(message("R", bigEndian(12) + serverFinal))
        try stream.write(message("R", bigEndian(0)))
    } catch let error as TeleError {
        outcome.error = error
        let fields = [UInt8(ascii: "S")] + cString("FATAL") + [UInt8(ascii: "C")] + cString(error.state.code)
            + [UInt8(ascii: "M")] + cString(error.message) + [0]
        try stream.write(message("E", fields))
        return outcome
    }
    outcome.authenticated = exchange.isAuthenticated
    try stream.write(message("Z", Array("I".utf8)))

    // One simple query gets a reply of one int4 column holding 1, then Terminate follows.
    _ = try readMessage(from: stream, expecting: "Q")
    let column = cString("?column?") + bigEndian(0) + [0, 0] + bigEndian(23) + [0, 4] + bigEndian(-1) + [0, 0]
    try stream.write(message("T", [0, 1] + column))
    try stream.write(message("D", [0, 1] + bigEndian(1) + Array("1".utf8)))
    try stream.write(message("C", cString("SELECT 1")))
    try stream.write(message("Z", Array("I".utf8)))
    _ = try? readMessage(from: stream, expecting: "X")
    return outcome
}

func readMessage(from stream: any ByteStream, expecting type: Character) throws -> [UInt8] {
    let header = try readExactly(5, from: stream)
    guard header[0] == UInt8(ascii: type.unicodeScalars.first!) else {
        throw TeleError(.protocolViolation, "expected message \(type), got byte \(header[0])")
    }
    return try readExactly(int32(header[1...]) - 4, from: stream)
}

@Suite(.serialized) struct PsqlInteropTests {
    /// Runs psql with `connection` and returns its exit status, standard output and error.
    func runPsql(_ psql: String, connection: String) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: psql)
        process.arguments = ["-X", "-A", "-t", "-c", "SELECT 1", connection]
        process.environment = ["PGCONNECT_TIMEOUT": "10", "PGPASSFILE": "/dev/null", "PATH": "/usr/bin:/bin"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outputData, as: UTF8.self),
            String(decoding: errorData, as: UTF8.self)
        )
    }

    func serve(tls: TLSContext?, users: [String: ScramVerifier], connection: (UInt16) -> String) throws
        -> (ResponderOutcome, Int32, String, String)?
    {
        guard let psql = executable(named: "psql") else { return nil }
        let listener = try LoopbackListener()
        defer { listener.close() }
        let server = ServerThread { try respondToOnePostgresClient(socket: listener.accept(), tls: tls, users: users) }
        let (status, output, errors) = try runPsql(psql, connection: connection(listener.port))
        return (try server.wait(), status, output, errors)
    }

    @Test func psqlScramOverPlainSocket() throws {
        let users = ["bob": try ScramVerifier(password: "correct horse")]
        guard
            let (outcome, status, output, errors) = try serve(tls: nil, users: users, connection: { port in
                "host=127.0.0.1 port=\(port) user=bob dbname=x password='correct horse' sslmode=disable gssencmode=disable"
            })
        else { return }
        #expect(status == 0, "psql failed: \(errors)")
        #expect(output == "1\n")
        #expect(outcome.authenticated)
        #expect(outcome.gs2Flag == "n")
        #expect(outcome.error == nil)
    }

    @Test func psqlWrongPasswordRejected() throws {
        let users = ["bob": try ScramVerifier(password: "correct horse")]
        guard
            let (outcome, status, _, errors) = try serve(tls: nil, users: users, connection: { port in
                "host=127.0.0.1 port=\(port) user=bob dbname=x password='battery staple' sslmode=disable gssencmode=disable"
            })
        else { return }
        #expect(status != 0)
        #expect(errors.contains("password authentication failed for user \"bob\""))
        #expect(outcome.error?.state == .invalidPassword)
        #expect(!outcome.authenticated)
    }

    @Test func psqlUnknownUserRejected() throws {
        let users = ["bob": try ScramVerifier(password: "correct horse")]
        guard
            let (outcome, status, _, errors) = try serve(tls: nil, users: users, connection: { port in
                "host=127.0.0.1 port=\(port) user=mallory dbname=x password='correct horse' sslmode=disable gssencmode=disable"
            })
        else { return }
        #expect(status != 0)
        #expect(errors.contains("password authentication failed for user \"mallory\""))
        #expect(outcome.error?.state == .invalidPassword)
    }

    @Test func psqlScramOverTLS() throws {
        guard let certificates = try CertificateDirectory.make() else { return }
        defer { certificates.remove() }
        let context = try TLSContext(certificatePath: certificates.certificatePath, keyPath: certificates.keyPath)
        let users = ["bob": try ScramVerifier(password: "p\u{00E4}ss w\u{00F6}rd")]
        guard
            let (outcome, status, output, errors) = try serve(tls: context, users: users, connection: { port in
                "host=127.0.0.1 port=\(port) user=bob dbname=x password='p\u{00E4}ss w\u{00F6}rd' "
                    + "sslmode=verify-ca sslrootcert=\(certificates.certificatePath) gssencmode=disable"
            })
        else { return }
        #expect(status == 0, "psql failed: \(errors)")
        #expect(output == "1\n")
        #expect(outcome.usedTLS)
        #expect(outcome.authenticated)
        // Over TLS libpq supports channel binding, and the server offers no SCRAM-SHA-256-PLUS.
        #expect(outcome.gs2Flag == "y")
    }
}
