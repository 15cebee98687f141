// The byte transport under a client connection: a plain TCP socket, or a TLS stream that
// wraps one after an SSLRequest.
//
// The protocol code reads and writes through `ByteStream` only, so TLS plugs in without
// touching the message handling.

@preconcurrency import Glibc
import TeleCore

/// A bidirectional stream of bytes to one client.
public protocol ByteStream: AnyObject {
    /// The socket under the stream, which the server polls for input and hang-ups.
    var fileDescriptor: Int32 { get }
    /// Whether bytes are already buffered above the socket (decrypted TLS records), so a
    /// poll on the socket would miss them.
    var hasBufferedInput: Bool { get }
    /// Reads at most `buffer.count` bytes, blocking until at least one arrives.
    ///
    /// - Returns: The number of bytes read; 0 at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Writes every byte of `bytes`, blocking until done.
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Closes the stream and its socket; later calls do nothing.
    func close()
}

/// A connected TCP socket.
public final class SocketStream: ByteStream {
    public let fileDescriptor: Int32
    private var closed = false

    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    public var hasBufferedInput: Bool { false }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = recv(fileDescriptor, buffer.baseAddress, buffer.count, 0)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw SocketError.failed("recv", errno)
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL turns a write to a closed peer into EPIPE instead of SIGPIPE.
            let count = send(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if count < 0 {
                if errno == EINTR { continue }
                throw SocketError.failed("send", errno)
            }
            offset += count
        }
    }

    public func close() {
        guard !closed else { return }
        closed = true
        _ = Glibc.close(fileDescriptor)
    }

    deinit { close() }
}

/// A failed socket call, with the call's name and errno.
public enum SocketError: Error, CustomStringConvertible {
    case failed(String, Int32)

    public var description: String {
        switch self {
        case .failed(let call, let code): return "\(call) failed: \(String(cString: strerror(code)))"
        }
    }
}

/// Opens a pipe whose ends are non-blocking and closed on exec, for waking a thread that
/// sleeps in poll. (Glibc's `pipe2` is not visible without _GNU_SOURCE.)
func makeWakePipe() throws -> (read: Int32, write: Int32) {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { throw SocketError.failed("pipe", errno) }
    for fd in fds {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }
    return (fds[0], fds[1])
}

/// Linux's POLLRDHUP (the peer closed its writing side), which Glibc hides without
/// _GNU_SOURCE; the value is fixed in the kernel's poll.h.
let pollReadHangUp: Int16 = 0x2000
