// Socket helpers of the server: errors of socket calls, the pipes that wake a thread
// sleeping in poll, and a Linux poll flag that Glibc hides. The byte streams themselves
// (plain and TLS) come from TeleSecurity.

@preconcurrency import Glibc
import TeleCore

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
