// The part of a client connection that other threads touch: its backend key for
// CancelRequest, the monitor of its running statement, its statement deadline, and a pipe
// that wakes its thread when a notification arrives or the server stops.

@preconcurrency import Glibc
import Synchronization
import TeleCore
import TeleDB

/// Why a running statement was cancelled, which decides the error the client gets.
enum CancelReason: Sendable {
    case userRequest
    case statementTimeout
    case clientDisconnected
    case serverShutdown
}

final class ConnectionHandle: Sendable {
    /// The process id reported in BackendKeyData; unique within one server.
    let processID: Int32
    /// The secret a CancelRequest must repeat to cancel this connection's statement.
    let secretKey: Int32
    let monitor: QueryMonitor
    let socket: Int32
    private let wakePipe: (read: Int32, write: Int32)
    private let statement = Mutex<RunningStatement?>(nil)

    private struct RunningStatement {
        /// `DispatchTime`-style monotonic nanoseconds; nil without a statement timeout.
        var deadline: UInt64?
        var cancelReason: CancelReason?
    }

    init(processID: Int32, secretKey: Int32, monitor: QueryMonitor, socket: Int32) throws {
        self.processID = processID
        self.secretKey = secretKey
        self.monitor = monitor
        self.socket = socket
        self.wakePipe = try makeWakePipe()
    }

    deinit {
        close(wakePipe.read)
        close(wakePipe.write)
    }

    /// The descriptor that becomes readable after `wake()`.
    var wakeDescriptor: Int32 { wakePipe.read }

    /// Makes the connection's thread return from its poll.
    func wake() {
        var byte: UInt8 = 1
        _ = write(wakePipe.write, &byte, 1)
    }

    /// Empties the wake pipe after the connection woke.
    func clearWake() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while read(wakePipe.read, &bytes, bytes.count) > 0 {}
    }

    // MARK: The running statement

    /// Marks a statement as running; `timeout` is in seconds, nil or 0 for none.
    func beginStatement(timeout: Double?) {
        var deadline: UInt64?
        if let timeout, timeout > 0 { deadline = monotonicNanoseconds() + UInt64(timeout * 1e9) }
        statement.withLock { $0 = RunningStatement(deadline: deadline, cancelReason: nil) }
    }

    /// Marks the statement as finished and returns why it was cancelled, if it was.
    func endStatement() -> CancelReason? {
        statement.withLock { running in
            defer { running = nil }
            return running?.cancelReason
        }
    }

    /// Cancels the running statement, if any; the first reason given wins.
    func cancel(_ reason: CancelReason) {
        let cancelled = statement.withLock { running -> Bool in
            guard running != nil else { return false }
            if running?.cancelReason == nil { running?.cancelReason = reason }
            return true
        }
        if cancelled { monitor.cancel() }
    }

    /// Cancels the statement when its deadline has passed or its client hung up; the
    /// watchdog calls this a few times a second.
    func checkRunningStatement(now: UInt64) {
        let (deadline, alreadyCancelled) = statement.withLock { running -> (UInt64?, Bool)? in
            guard let running else { return nil }
            return (running.deadline, running.cancelReason != nil)
        } ?? (nil, false)
        // Session.run clears the monitor's flag when a statement starts, so a cancel that lands
        // just before would be lost. Repeating it until the statement ends closes that gap.
        if alreadyCancelled {
            monitor.cancel()
            return
        }
        guard isRunning else { return }
        if let deadline, now >= deadline {
            cancel(.statementTimeout)
        } else if peerHungUp() {
            cancel(.clientDisconnected)
        }
    }

    private var isRunning: Bool { statement.withLock { $0 != nil } }

    private func peerHungUp() -> Bool {
        var descriptor = pollfd(fd: socket, events: pollReadHangUp, revents: 0)
        guard poll(&descriptor, 1, 0) > 0 else { return false }
        return descriptor.revents & (pollReadHangUp | Int16(POLLHUP) | Int16(POLLERR)) != 0
    }
}

/// Monotonic clock time in nanoseconds.
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
