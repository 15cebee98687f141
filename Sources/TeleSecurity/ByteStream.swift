// The byte stream a wire connection reads and writes: a plain socket, or TLS over that socket
// once the server has replied `S` to an SSLRequest. The server codes against `ByteStream` and
// switches the implementation after the handshake, so the protocol code never handles TLS.

import Synchronization
import TeleCore

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking, connected byte stream over a socket.
///
/// One thread reads and writes. `interrupt()` is the only method meant for other threads: it
/// shuts the socket down, so a blocked `read` returns 0 and the owning thread can clean up.
public protocol ByteStream: AnyObject, Sendable {
    /// The socket underneath, for `poll` and socket options.
    var fileDescriptor: Int32 { get }

    /// Whether bytes are already buffered above the socket, such as decrypted TLS records,
    /// which a `poll` on the socket would miss.
    var hasBufferedInput: Bool { get }

    /// Reads up to `buffer.count` bytes, blocking until at least one is available.
    ///
    /// - Returns: the number of bytes read, or 0 at the end of the stream.
    /// - Throws: `TeleError` 08006 when the socket fails or a receive timeout expires.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int

    /// Writes all of `bytes`, blocking until the kernel has taken them.
    ///
    /// - Throws: `TeleError` 08006 when the peer has gone or the socket fails.
    func write(_ bytes: UnsafeRawBufferPointer) throws

    /// Waits until `read` would return without blocking, or until the timeout passes.
    ///
    /// - Parameter timeoutMilliseconds: the longest wait, or -1 to wait without limit.
    /// - Returns: true when input (or the end of the stream) is ready, false on timeout.
    func waitForInput(timeoutMilliseconds: Int32) throws -> Bool

    /// Shuts the socket down for both directions. Safe from any thread, and a no-op after `close()`.
    func interrupt()

    /// Ends the stream and closes the socket. Later calls do nothing, and later reads and writes throw.
    func close()
}

extension ByteStream {
    /// Writes all of `bytes`.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}

/// A `ByteStream` over a plain connected socket.
///
/// `@unchecked Sendable` because the descriptor is immutable and the only mutable state, the
/// closed flag, sits in a `Mutex`. Reads and writes come from one thread, as `ByteStream` states.
public final class SocketStream: ByteStream, @unchecked Sendable {
    public let fileDescriptor: Int32
    private let isClosed = Mutex(false)

    /// Wraps a connected socket. The stream owns it from now on: `close()` closes it, and
    /// dropping the stream without `close()` leaves it open.
    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    public var hasBufferedInput: Bool { false }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        try SocketFailure.checkOpen(isClosed, operation: "read")
        while true {
            let count = recv(fileDescriptor, base, buffer.count, 0)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw SocketFailure.error(operation: "read", code: errno)
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        try SocketFailure.checkOpen(isClosed, operation: "write")
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL turns a write to a closed peer into EPIPE instead of SIGPIPE.
            let count = send(fileDescriptor, base + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if count >= 0 {
                offset += count
            } else if errno != EINTR {
                throw SocketFailure.error(operation: "write", code: errno)
            }
        }
    }

    public func waitForInput(timeoutMilliseconds: Int32) throws -> Bool {
        try SocketFailure.poll(fileDescriptor, timeoutMilliseconds: timeoutMilliseconds)
    }

    public func interrupt() {
        isClosed.withLock { closed in
            if !closed { _ = shutdown(fileDescriptor, Int32(SHUT_RDWR)) }
        }
    }

    public func close() {
        isClosed.withLock { closed in
            if !closed {
                closed = true
                _ = Glibc.close(fileDescriptor)
            }
        }
    }
}

/// Socket helpers shared by the plain and the TLS stream.
enum SocketFailure {
    /// SQLSTATE 08006, connection_failure, as PostgreSQL reports a broken client connection.
    static let connectionFailure = SQLState("08006")

    static func error(operation: String, code: Int32) -> TeleError {
        if code == EAGAIN || code == EWOULDBLOCK {
            return TeleError(
                connectionFailure, "socket \(operation) timed out",
                hint: "The client sent nothing within the socket's receive timeout.")
        }
        let reason = String(cString: strerror(code))
        return TeleError(connectionFailure, "socket \(operation) failed: \(reason)")
    }

    /// Throws when the stream was closed, because its descriptor number may belong to a new socket.
    static func checkOpen(_ isClosed: borrowing Mutex<Bool>, operation: String) throws {
        if isClosed.withLock({ $0 }) {
            throw TeleError(connectionFailure, "socket \(operation) failed: the stream is closed")
        }
    }

    static func poll(_ fileDescriptor: Int32, timeoutMilliseconds: Int32) throws -> Bool {
        var entry = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = Glibc.poll(&entry, 1, timeoutMilliseconds)
            if ready >= 0 { return ready > 0 }
            if errno != EINTR { throw error(operation: "poll", code: errno) }
        }
    }
}
