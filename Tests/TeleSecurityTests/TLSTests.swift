// TLS over OpenSSL: handshakes with an OpenSSL client and with the `openssl s_client` command
// on a loopback socket, bytes in both directions, clean ends of stream, and clear errors for
// missing, invalid and mismatched certificate files.

import Foundation
import Synchronization
import TeleCore
import Testing
@testable import TeleSecurity

#if canImport(Glibc)
    import Glibc
#endif

/// Reads from `stream` until a newline or the end of the stream.
func readLine(from stream: any ByteStream) throws -> String {
    var collected: [UInt8] = []
    var byte: UInt8 = 0
    while collected.last != UInt8(ascii: "\n") {
        let count = try withUnsafeMutableBytes(of: &byte) { try stream.read(into: $0) }
        if count == 0 { break }
        collected.append(byte)
    }
    return String(decoding: collected, as: UTF8.self)
}

@Suite(.serialized) struct TLSTests {
    @Test func tlsRoundTripWithOpenSSLClient() throws {
        guard let certificates = try CertificateDirectory.make() else { return }
        defer { certificates.remove() }
        let context = try TLSContext(certificatePath: certificates.certificatePath, keyPath: certificates.keyPath)
        let listener = try LoopbackListener()
        defer { listener.close() }

        let server = ServerThread { () throws -> [String] in
            let stream = try context.accept(fileDescriptor: listener.accept())
            defer { stream.close() }
            let line = try readLine(from: stream)
            try stream.write(Array("echo: \(line)".utf8))
            // The client closes next, which must read as the end of the stream.
            var rest = [UInt8](repeating: 0, count: 16)
            let countAtEnd = try rest.withUnsafeMutableBytes { try stream.read(into: $0) }
            return [line, stream.protocolVersion, String(countAtEnd)]
        }

        let client = try TLSTestClient(port: listener.port, trusting: certificates.certificatePath)
        try client.write("hello over tls\n")
        #expect(client.readLine() == "echo: hello over tls\n")
        client.close()

        let observed = try server.wait()
        #expect(observed[0] == "hello over tls\n")
        #expect(observed[1] == "TLSv1.2" || observed[1] == "TLSv1.3")
        #expect(observed[2] == "0")
    }

    @Test func tlsRoundTripWithSClient() throws {
        guard let openssl = executable(named: "openssl"),
            let certificates = try CertificateDirectory.make()
        else { return }
        defer { certificates.remove() }
        let context = try TLSContext(certificatePath: certificates.certificatePath, keyPath: certificates.keyPath)
        let listener = try LoopbackListener()
        defer { listener.close() }

        let server = ServerThread { () throws -> String in
            let stream = try context.accept(fileDescriptor: listener.accept())
            defer { stream.close() }
            let line = try readLine(from: stream)
            try stream.write(Array("pong\n".utf8))
            return line
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        process.arguments = [
            "s_client", "-connect", "127.0.0.1:\(listener.port)", "-quiet", "-CAfile", certificates.certificatePath,
            "-verify_return_error", "-verify_hostname", "localhost",
        ]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("ping\n".utf8))
        try input.fileHandleForWriting.close()
        let reply = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()

        #expect(try server.wait() == "ping\n")
        #expect(String(decoding: reply, as: UTF8.self) == "pong\n")
    }

    @Test func plaintextClientFailsHandshake() throws {
        guard let certificates = try CertificateDirectory.make() else { return }
        defer { certificates.remove() }
        let context = try TLSContext(certificatePath: certificates.certificatePath, keyPath: certificates.keyPath)
        let listener = try LoopbackListener()
        defer { listener.close() }

        let server = ServerThread { () throws -> TeleError? in
            let socket = listener.accept()
            defer { _ = Glibc.close(socket) }
            do {
                _ = try context.accept(fileDescriptor: socket)
                return nil
            } catch let error as TeleError {
                return error
            }
        }

        let client = try connectLoopback(port: listener.port)
        let request = Array("Q\u{0}\u{0}\u{0}\u{d}SELECT 1;\u{0}".utf8)
        _ = send(client, request, request.count, Int32(MSG_NOSIGNAL))
        _ = Glibc.close(client)

        let error = try #require(try server.wait())
        #expect(error.state == .protocolViolation)
        #expect(error.message == "TLS handshake failed")
        #expect(error.detail != nil)
    }

    @Test func missingCertificateNamed() throws {
        let missing = "/nonexistent-teledb-dir/server.crt"
        let error = #expect(throws: TeleError.self) {
            try TLSContext(certificatePath: missing, keyPath: "/nonexistent-teledb-dir/server.key")
        }
        #expect(error?.state == SQLState("F0000"))
        #expect(error?.message == "TLS certificate file \"\(missing)\" not found")
    }

    @Test func missingKeyNamed() throws {
        guard let certificates = try CertificateDirectory.make() else { return }
        defer { certificates.remove() }
        let missing = certificates.path("absent.key")
        let error = #expect(throws: TeleError.self) {
            try TLSContext(certificatePath: certificates.certificatePath, keyPath: missing)
        }
        #expect(error?.message == "TLS private key file \"\(missing)\" not found")
    }

    @Test func invalidCertificateNamed() throws {
        guard let certificates = try CertificateDirectory.make() else { return }
        defer { certificates.remove() }
        let garbage = certificates.path("garbage.crt")
        try Data("not a certificate\n".utf8).write(to: URL(fileURLWithPath: garbage))
        // Private to its owner, so that the key check reaches the parsing step.
        try #require(chmod(garbage, 0o600) == 0)

        let certificateError = #expect(throws: TeleError.self) {
            try TLSContext(certificatePath: garbage, keyPath: certificates.keyPath)
        }
        #expect(certificateError?.state == SQLState("F0000"))
        #expect(certificateError?.message == "invalid TLS certificate file \"\(garbage)\"")

        let keyError = #expect(throws: TeleError.self) {
            try TLSContext(certificatePath: certificates.certificatePath, keyPath: garbage)
        }
        #expect(keyError?.message == "invalid TLS private key file \"\(garbage)\"")
    }

    @Test func worldReadableKeyRejected() throws {
        guard let certificates = try CertificateDirectory.make() else { return }
        defer { certificates.remove() }
        try #require(chmod(certificates.keyPath, 0o644) == 0)
        let error = #expect(throws: TeleError.self) {
            try TLSContext(certificatePath: certificates.certificatePath, keyPath: certificates.keyPath)
        }
        #expect(error?.message == "private key file \"\(certificates.keyPath)\" has group or world access")

        try #require(chmod(certificates.keyPath, 0o600) == 0)
        _ = try TLSContext(certificatePath: certificates.certificatePath, keyPath: certificates.keyPath)
    }

    @Test func mismatchedKeyRejected() throws {
        guard let openssl = executable(named: "openssl"), let certificates = try CertificateDirectory.make() else {
            return
        }
        defer { certificates.remove() }
        let otherKey = certificates.path("other.key")
        let status = try run(
            openssl, ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", otherKey])
        try #require(status == 0)

        let error = #expect(throws: TeleError.self) {
            try TLSContext(certificatePath: certificates.certificatePath, keyPath: otherKey)
        }
        #expect(error?.message.contains("does not match certificate") == true)
    }

    @Test func tlsInterruptUnblocksRead() throws {
        guard let certificates = try CertificateDirectory.make() else { return }
        defer { certificates.remove() }
        let context = try TLSContext(certificatePath: certificates.certificatePath, keyPath: certificates.keyPath)
        let listener = try LoopbackListener()
        defer { listener.close() }
        let accepted = AcceptedStream()

        let server = ServerThread { () throws -> Int in
            let stream = try context.accept(fileDescriptor: listener.accept())
            accepted.stream.withLock { $0 = stream }
            var buffer = [UInt8](repeating: 0, count: 16)
            let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
            stream.close()
            return count
        }

        let client = try TLSTestClient(port: listener.port, trusting: certificates.certificatePath)
        defer { client.close() }
        // Wait until the server thread holds the stream, then give its read time to block.
        var stream: TLSStream?
        for _ in 0..<200 where stream == nil {
            stream = accepted.stream.withLock { $0 }
            usleep(10_000)
        }
        usleep(50_000)
        try #require(stream != nil)
        stream?.interrupt()
        #expect(try server.wait() == 0)
    }

    @Test func tlsWaitForInput() throws {
        guard let certificates = try CertificateDirectory.make() else { return }
        defer { certificates.remove() }
        let context = try TLSContext(certificatePath: certificates.certificatePath, keyPath: certificates.keyPath)
        let listener = try LoopbackListener()
        defer { listener.close() }

        let server = ServerThread { () throws -> [Bool] in
            let stream = try context.accept(fileDescriptor: listener.accept())
            defer { stream.close() }
            let idle = try stream.waitForInput(timeoutMilliseconds: 50)
            try stream.write(Array("ready\n".utf8))
            let ready = try stream.waitForInput(timeoutMilliseconds: 10_000)
            let first = try readLine(from: stream) == "data\n"
            // Both lines came in one TLS record, so the second waits in OpenSSL's buffer.
            let buffered = stream.hasBufferedInput
            let readyFromBuffer = try stream.waitForInput(timeoutMilliseconds: 0)
            let second = try readLine(from: stream) == "more\n"
            let drained = !stream.hasBufferedInput
            return [idle, ready, first, buffered, readyFromBuffer, second, drained]
        }

        let client = try TLSTestClient(port: listener.port, trusting: certificates.certificatePath)
        #expect(client.readLine() == "ready\n")
        try client.write("data\nmore\n")
        let observed = try server.wait()
        client.close()

        #expect(observed[0] == false)
        #expect(observed[1] == true)
        #expect(observed[2] == true)
        #expect(observed[3] == true)
        #expect(observed[4] == true)
        #expect(observed[5] == true)
        #expect(observed[6] == true)
    }
}

/// The stream a server thread accepted, handed to the test's thread.
final class AcceptedStream: Sendable {
    let stream = Mutex<TLSStream?>(nil)
}

@Suite struct SocketStreamTests {
    /// Two connected Unix-domain stream sockets.
    func socketPair() throws -> (SocketStream, SocketStream) {
        var descriptors: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &descriptors) == 0)
        return (SocketStream(fileDescriptor: descriptors[0]), SocketStream(fileDescriptor: descriptors[1]))
    }

    @Test func socketRoundTrip() throws {
        let (left, right) = try socketPair()
        defer {
            left.close()
            right.close()
        }
        try left.write(Array("abc\n".utf8))
        #expect(try right.waitForInput(timeoutMilliseconds: 1000))
        #expect(try readLine(from: right) == "abc\n")
        #expect(try !right.waitForInput(timeoutMilliseconds: 10))

        left.close()
        var buffer = [UInt8](repeating: 0, count: 8)
        #expect(try buffer.withUnsafeMutableBytes { try right.read(into: $0) } == 0)
    }

    @Test func interruptUnblocksRead() throws {
        let (left, right) = try socketPair()
        defer {
            left.close()
            right.close()
        }
        let reader = ServerThread { () throws -> Int in
            var buffer = [UInt8](repeating: 0, count: 8)
            return try buffer.withUnsafeMutableBytes { try right.read(into: $0) }
        }
        usleep(50_000)
        right.interrupt()
        #expect(try reader.wait() == 0)
    }

    @Test func writeToClosedPeerThrows() throws {
        let (left, right) = try socketPair()
        right.close()
        defer { left.close() }
        let error = #expect(throws: TeleError.self) {
            // The first write may land in the buffer, so keep writing until EPIPE arrives.
            for _ in 0..<64 { try left.write([UInt8](repeating: 0, count: 65_536)) }
        }
        #expect(error?.state == SQLState("08006"))
    }
}

@Suite struct ClosedStreamTests {
    @Test func readAfterCloseThrows() throws {
        var descriptors: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &descriptors) == 0)
        let stream = SocketStream(fileDescriptor: descriptors[0])
        let peer = SocketStream(fileDescriptor: descriptors[1])
        defer { peer.close() }
        stream.close()
        stream.close()

        var buffer = [UInt8](repeating: 0, count: 4)
        let readError = #expect(throws: TeleError.self) { try buffer.withUnsafeMutableBytes { try stream.read(into: $0) } }
        #expect(readError?.message == "socket read failed: the stream is closed")
        #expect(throws: TeleError.self) { try stream.write([1, 2, 3]) }
    }
}
