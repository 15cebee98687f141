// Helpers for the TLS and socket tests: a self-signed certificate made by the openssl command
// in a temporary directory, a loopback listener, a server thread, and an OpenSSL client.

import COpenSSL
import Foundation
import Synchronization
import TeleCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A temporary directory with a self-signed certificate for CN=localhost and its key.
struct CertificateDirectory {
    let url: URL
    var certificatePath: String { url.appendingPathComponent("server.crt").path }
    var keyPath: String { url.appendingPathComponent("server.key").path }

    /// Runs `openssl req`, or returns nil when the openssl command is absent.
    static func make() throws -> CertificateDirectory? {
        guard let openssl = executable(named: "openssl") else { return nil }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("teledb-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let directory = CertificateDirectory(url: url)
        let status = try run(
            openssl,
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1",
                "-keyout", directory.keyPath, "-out", directory.certificatePath,
            ])
        guard status == 0 else {
            directory.remove()
            throw TeleError.internalError("openssl req exited with status \(status)")
        }
        return directory
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

func executable(named name: String) -> String? {
    ["/usr/bin/\(name)", "/bin/\(name)", "/usr/local/bin/\(name)"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
}

/// Runs a program with its output discarded and returns its exit status.
func run(_ path: String, _ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

/// A TCP socket listening on 127.0.0.1 at a port the kernel chose.
struct LoopbackListener {
    let fileDescriptor: Int32
    let port: UInt16

    init() throws {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socketDescriptor >= 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(socketDescriptor, socketAddress, length) == 0 && listen(socketDescriptor, 8) == 0
                    && getsockname(socketDescriptor, socketAddress, &length) == 0
            }
        }
        try #require(bound)
        fileDescriptor = socketDescriptor
        port = UInt16(bigEndian: address.sin_port)
    }

    func accept() -> Int32 {
        Glibc.accept(fileDescriptor, nil, nil)
    }

    func close() { _ = Glibc.close(fileDescriptor) }
}

/// Opens a TCP connection to 127.0.0.1 at `port`.
func connectLoopback(port: UInt16) throws -> Int32 {
    let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    try #require(socketDescriptor >= 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
            connect(socketDescriptor, socketAddress, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
    try #require(connected)
    return socketDescriptor
}

/// Runs `body` on a new thread and hands its result to `wait()`.
final class ServerThread<Result: Sendable>: Sendable {
    private let result = Mutex<Swift.Result<Result, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () throws -> Result) {
        let thread = Thread { self.finish(body) }
        thread.start()
    }

    private func finish(_ body: @Sendable () throws -> Result) {
        let outcome = Swift.Result { try body() }
        result.withLock { $0 = outcome }
        done.signal()
    }

    /// Waits for the thread's result, failing after `seconds`.
    func wait(seconds: Int = 20) throws -> Result {
        guard done.wait(timeout: .now() + .seconds(seconds)) == .success else {
            throw TeleError.internalError("server thread did not finish within \(seconds) s")
        }
        return try result.withLock { try $0!.get() }
    }
}

/// A TLS client over OpenSSL that trusts one certificate and checks the host name "localhost".
final class TLSTestClient {
    private let context: OpaquePointer
    private let ssl: OpaquePointer
    let fileDescriptor: Int32

    init(port: UInt16, trusting certificatePath: String) throws {
        context = try #require(SSL_CTX_new(TLS_client_method()))
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        try #require(SSL_CTX_load_verify_locations(context, certificatePath, nil) == 1)
        ssl = try #require(SSL_new(context))
        try #require(SSL_set1_host(ssl, "localhost") == 1)
        fileDescriptor = try connectLoopback(port: port)
        try #require(SSL_set_fd(ssl, fileDescriptor) == 1)
        try #require(SSL_connect(ssl) == 1)
    }

    func write(_ text: String) throws {
        let bytes = Array(text.utf8)
        try #require(SSL_write(ssl, bytes, Int32(bytes.count)) == Int32(bytes.count))
    }

    /// Reads until a newline arrives or the server closes the connection.
    func readLine() -> String {
        var collected: [UInt8] = []
        var byte: UInt8 = 0
        while collected.last != UInt8(ascii: "\n"), SSL_read(ssl, &byte, 1) == 1 {
            collected.append(byte)
        }
        return String(decoding: collected, as: UTF8.self)
    }

    /// Reads until the server closes the connection.
    func readAll() -> String {
        var collected: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = SSL_read(ssl, &buffer, Int32(buffer.count))
            if count <= 0 { break }
            collected += buffer[0..<Int(count)]
        }
        return String(decoding: collected, as: UTF8.self)
    }

    func close() {
        _ = SSL_shutdown(ssl)
        SSL_free(ssl)
        SSL_CTX_free(context)
        _ = Glibc.close(fileDescriptor)
    }
}
