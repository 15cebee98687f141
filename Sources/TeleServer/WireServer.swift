// The PostgreSQL wire server: a listening socket, one thread per client connection, and a
// watchdog that enforces statement timeouts and notices clients that hang up mid-query.
//
// A long query occupies only its own connection's thread, while other connections go on
// on theirs. The database is shared; each connection has its own `Session`.

import Foundation
@preconcurrency import Glibc
import Synchronization
import TeleCore
import TeleDB

public final class WireServer: Sendable {
    public let database: Database
    let configuration: ServerConfiguration
    let notifications = NotificationHub()
    private let handles = Mutex<[Int32: ConnectionHandle]>([:])
    private let listener = Atomic<Int32>(-1)
    private let boundPort = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let runningThreads = Atomic<Int>(0)
    private let nextProcessID = Atomic<Int32>(1)
    private let acceptWake: (read: Int32, write: Int32)

    /// Creates a server over `database`; `start()` opens the socket.
    public init(database: Database, configuration: ServerConfiguration) throws {
        self.database = database
        self.configuration = configuration
        self.acceptWake = try makeWakePipe()
    }

    deinit {
        close(acceptWake.read)
        close(acceptWake.write)
    }

    var log: ServerLog { configuration.log }

    /// The port the server listens on, known once `start()` returned.
    public var port: Int { boundPort.load(ordering: .acquiring) }

    /// The number of connections that are open now.
    public var connectionCount: Int { handles.withLock { $0.count } }

    /// Binds the socket and starts accepting connections on a background thread.
    ///
    /// - Throws: `TeleError` 08006-class errors when the address is invalid or taken.
    public func start() throws {
        let socketFD = try ListeningSocket.open(host: configuration.host, port: configuration.port)
        listener.store(socketFD, ordering: .releasing)
        boundPort.store(try ListeningSocket.localPort(of: socketFD), ordering: .releasing)
        log.info("listening on \(configuration.host):\(port)")
        spawn { self.acceptLoop(socketFD) }
        spawn { self.watchdogLoop() }
    }

    /// Stops accepting, cancels running statements, closes every connection and waits up to
    /// `timeout` seconds for their threads to end. Calling it again does nothing.
    public func stop(timeout: Double = 10) {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        log.info("shutting down: closing \(connectionCount) connections")
        var byte: UInt8 = 1
        _ = write(acceptWake.write, &byte, 1)
        for handle in handles.withLock({ Array($0.values) }) {
            handle.cancel(.serverShutdown)
            handle.wake()
        }
        let deadline = monotonicNanoseconds() + UInt64(timeout * 1e9)
        while runningThreads.load(ordering: .acquiring) > 0, monotonicNanoseconds() < deadline {
            usleep(5_000)
        }
        let left = runningThreads.load(ordering: .acquiring)
        if left > 0 { log.warning("stopped with \(left) server threads still running after \(timeout) s") }
        log.info("server stopped")
    }

    var isStopping: Bool { stopping.load(ordering: .acquiring) }

    // MARK: Threads

    /// Runs `body` on a new thread with a stack large enough for the planner's recursion.
    private func spawn(_ body: @escaping @Sendable () -> Void) {
        runningThreads.add(1, ordering: .acquiringAndReleasing)
        let thread = Thread {
            body()
            self.runningThreads.subtract(1, ordering: .acquiringAndReleasing)
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    private func acceptLoop(_ socketFD: Int32) {
        defer {
            close(socketFD)
            listener.store(-1, ordering: .releasing)
        }
        while !isStopping {
            var descriptors = [
                pollfd(fd: socketFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: acceptWake.read, events: Int16(POLLIN), revents: 0),
            ]
            if poll(&descriptors, 2, -1) < 0 {
                if errno == EINTR { continue }
                log.error("poll on the listening socket failed: \(String(cString: strerror(errno)))")
                return
            }
            if isStopping { return }
            guard descriptors[0].revents != 0 else { continue }
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let clientFD = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(socketFD, $0, &length) }
            }
            if clientFD >= 0 { _ = fcntl(clientFD, F_SETFD, FD_CLOEXEC) }
            if clientFD < 0 {
                let code = errno
                if code == EINTR || code == EAGAIN || code == ECONNABORTED { continue }
                log.error("accept failed: \(String(cString: strerror(code)))")
                // Out of descriptors: back off instead of spinning on the same failure.
                usleep(100_000)
                continue
            }
            var enabled: Int32 = 1
            setsockopt(clientFD, Int32(IPPROTO_TCP), TCP_NODELAY, &enabled, socklen_t(MemoryLayout<Int32>.size))
            let peer = ListeningSocket.describe(address)
            let processID = nextProcessID.add(1, ordering: .relaxed).oldValue
            spawn { ClientConnection(server: self, socket: clientFD, peer: peer, processID: processID).run() }
        }
    }

    private func watchdogLoop() {
        while !isStopping {
            usleep(20_000)
            let now = monotonicNanoseconds()
            for handle in handles.withLock({ Array($0.values) }) { handle.checkRunningStatement(now: now) }
        }
    }

    // MARK: Connection registry

    /// Registers an authenticated connection.
    ///
    /// - Returns: false when the server is full or stopping, so the connection must close.
    func register(_ handle: ConnectionHandle) -> Bool {
        handles.withLock { handles in
            guard handles.count < configuration.maxConnections, !isStopping else { return false }
            handles[handle.processID] = handle
            return true
        }
    }

    func unregister(_ processID: Int32) {
        _ = handles.withLock { $0.removeValue(forKey: processID) }
        notifications.remove(processID)
    }

    /// Handles a CancelRequest: cancels the statement of the matching connection, if the key
    /// is right. PostgreSQL sends no reply to a CancelRequest either way.
    func cancel(processID: Int32, secretKey: Int32) {
        guard let handle = handles.withLock({ $0[processID] }) else {
            log.warning("cancel request for unknown process \(processID) ignored")
            return
        }
        guard handle.secretKey == secretKey else {
            log.warning("cancel request for process \(processID) ignored: wrong secret key")
            return
        }
        log.info("cancel request for process \(processID)")
        handle.cancel(.userRequest)
    }
}
