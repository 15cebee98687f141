// A `ByteStream` that runs TLS over an accepted socket with OpenSSL's SSL object in blocking
// mode: the server handshake, record reads and writes, and close_notify on close.

import COpenSSL
import Synchronization
import TeleCore

#if canImport(Glibc)
    import Glibc
#endif

/// A server-side TLS connection over an accepted socket.
///
/// `@unchecked Sendable` because an SSL object is not thread-safe, so reads and writes come from
/// one thread, as `ByteStream` states. `interrupt()` touches only the socket and the closed flag,
/// which sits in a `Mutex`. The SSL object is freed only in `deinit`, and `read` and `write`
/// throw after `close()`, so neither touches freed memory or a reused descriptor.
public final class TLSStream: ByteStream, @unchecked Sendable {
    public let fileDescriptor: Int32
    private let ssl: OpaquePointer
    /// Keeps the SSL_CTX alive as long as the SSL object that refers to it.
    private let context: TLSContext
    private let isClosed = Mutex(false)

    /// Runs the TLS handshake (SSL_accept) on an accepted socket, blocking until it completes.
    ///
    /// On success the stream owns the socket and `close()` closes it. On failure the caller
    /// still owns the socket and should close it. Set a receive timeout on the socket first
    /// (SO_RCVTIMEO) if a client that never finishes the handshake must not hold a thread.
    ///
    /// - Throws: `TeleError` 08P01 when the handshake fails, with OpenSSL's reason as detail.
    public init(context: TLSContext, fileDescriptor: Int32) throws {
        ERR_clear_error()
        guard let ssl = SSL_new(context.pointer) else {
            throw Crypto.openSSLFailure("SSL_new failed")
        }
        guard SSL_set_fd(ssl, fileDescriptor) == 1 else {
            SSL_free(ssl)
            throw Crypto.openSSLFailure("SSL_set_fd failed")
        }
        let result = SSL_accept(ssl)
        guard result == 1 else {
            let reason = Self.describe(ssl: ssl, result: result)
            SSL_free(ssl)
            throw TeleError(
                .protocolViolation, "TLS handshake failed", detail: reason,
                hint: "Check that the client speaks TLS 1.2 or later and accepts the server's certificate.")
        }
        self.ssl = ssl
        self.context = context
        self.fileDescriptor = fileDescriptor
    }

    deinit {
        SSL_free(ssl)
    }

    /// The negotiated protocol version, for example "TLSv1.3".
    public var protocolVersion: String {
        String(cString: SSL_get_version(ssl))
    }

    /// The negotiated cipher suite, for example "TLS_AES_256_GCM_SHA384".
    public var cipherName: String {
        SSL_get_current_cipher(ssl).map { String(cString: SSL_CIPHER_get_name($0)) } ?? "none"
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        try SocketFailure.checkOpen(isClosed, operation: "read")
        let length = Int32(clamping: buffer.count)
        while true {
            ERR_clear_error()
            let count = SSL_read(ssl, base, length)
            if count > 0 { return Int(count) }

            let code = SSL_get_error(ssl, count)
            switch code {
            case SSL_ERROR_ZERO_RETURN:
                return 0
            case SSL_ERROR_SYSCALL where errno == EINTR:
                continue
            case SSL_ERROR_SYSCALL where errno == 0:
                // The socket reached its end, for example after interrupt().
                return 0
            default:
                throw failure(operation: "read", code: code)
            }
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        try SocketFailure.checkOpen(isClosed, operation: "write")
        var offset = 0
        while offset < bytes.count {
            ERR_clear_error()
            let count = SSL_write(ssl, base + offset, Int32(clamping: bytes.count - offset))
            if count > 0 {
                offset += Int(count)
                continue
            }
            let code = SSL_get_error(ssl, count)
            if code == SSL_ERROR_SYSCALL && errno == EINTR { continue }
            throw failure(operation: "write", code: code)
        }
    }

    public var hasBufferedInput: Bool {
        SSL_pending(ssl) > 0
    }

    public func waitForInput(timeoutMilliseconds: Int32) throws -> Bool {
        if hasBufferedInput { return true }
        // NOTE: a readable socket may carry only a TLS control record, so read() can still block.
        return try SocketFailure.poll(fileDescriptor, timeoutMilliseconds: timeoutMilliseconds)
    }

    public func interrupt() {
        isClosed.withLock { closed in
            if !closed { _ = shutdown(fileDescriptor, Int32(SHUT_RDWR)) }
        }
    }

    /// Sends close_notify without waiting for the client's reply, then closes the socket.
    public func close() {
        isClosed.withLock { closed in
            guard !closed else { return }
            closed = true
            ERR_clear_error()
            _ = SSL_shutdown(ssl)
            _ = Glibc.close(fileDescriptor)
        }
    }

    private func failure(operation: String, code: Int32) -> TeleError {
        if code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE {
            return SocketFailure.error(operation: operation, code: EAGAIN)
        }
        if code == SSL_ERROR_SYSCALL {
            return SocketFailure.error(operation: operation, code: errno)
        }
        return TeleError(
            SocketFailure.connectionFailure, "TLS \(operation) failed",
            detail: OpenSSLErrorQueue.drain() ?? "OpenSSL error code \(code).")
    }

    private static func describe(ssl: OpaquePointer, result: Int32) -> String {
        let code = SSL_get_error(ssl, result)
        if let queued = OpenSSLErrorQueue.drain() { return queued }
        if code == SSL_ERROR_SYSCALL {
            return errno == 0 ? "The client closed the connection." : String(cString: strerror(errno))
        }
        return "OpenSSL error code \(code)."
    }
}
