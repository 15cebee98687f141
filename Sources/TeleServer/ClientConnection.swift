// One client connection, from the startup packet to Terminate, run on its own thread.
//
// The connection owns its `Session`, its prepared statements and portals, and its output
// buffer. It ends on Terminate, when the client closes the socket, on a protocol violation
// (ErrorResponse 08P01, then close), on an idle timeout, and when the server stops. Errors in
// SQL statements never end it: they go back as ErrorResponse and the connection goes on.

@preconcurrency import Glibc
import TeleCore
import TeleSecurity
import TeleDB
import TeleSyntax

final class ClientConnection {
    let server: WireServer
    let channel: MessageChannel
    var writer = MessageWriter()
    let peer: String
    let processID: Int32
    let session: Session
    var handle: ConnectionHandle?
    var user = ""
    var databaseName = ""
    var isEncrypted = false

    /// Set when a statement failed inside BEGIN ... COMMIT; ReadyForQuery then reports `E`.
    var transactionFailed = false
    /// NOTIFYs sent inside a transaction block, posted at COMMIT and dropped at ROLLBACK.
    var pendingNotifications: [Notification] = []
    /// The session's `SET statement_timeout` in seconds; nil until the client sets it.
    var sessionStatementTimeout: Double?
    var preparedStatements: [String: PreparedStatement] = [:]
    var portals: [String: Portal] = [:]
    var cursors: [String: DeclaredCursor] = [:]
    /// Setting values right after startup, which RESET restores.
    var initialSettings: [String: String] = [:]
    /// After an error in the extended protocol, messages are skipped until Sync.
    var skippingToSync = false
    /// The SQL text an extended-protocol error's position points into.
    var extendedSourceText: String?
    private let openedAt = monotonicNanoseconds()

    init(server: WireServer, socket: Int32, peer: String, processID: Int32) {
        self.server = server
        self.channel = MessageChannel(stream: SocketStream(fileDescriptor: socket))
        self.peer = peer
        self.processID = processID
        self.session = server.database.connect()
    }

    var log: ServerLog { server.log }
    var configuration: ServerConfiguration { server.configuration }

    /// Serves the connection until it ends, then releases everything it holds.
    func run() {
        log.info("connection \(processID) from \(peer) opened")
        var reason = "client closed the connection"
        do {
            // A client that stalls before it is authenticated must not hold its thread for
            // good, so reads time out until startup ends.
            setReceiveTimeout(configuration.startupTimeout)
            if try startup() {
                setReceiveTimeout(0)
                try messageLoop()
                reason = "client sent Terminate"
            }
        } catch let end as ConnectionEnd {
            reason = end.logText
            if case .fatal(let error) = end { sendFatal(error) }
        } catch let violation as ProtocolViolation {
            reason = "protocol violation: \(violation.error.message)"
            sendFatal(violation.error)
        } catch {
            reason = "\(error)"
        }
        finish(reason: reason)
    }

    /// Makes a blocking read of the socket fail after `seconds`; 0 waits without limit.
    private func setReceiveTimeout(_ seconds: Double) {
        let whole = seconds.rounded(.down)
        var timeout = timeval(tv_sec: Int(whole), tv_usec: Int((seconds - whole) * 1e6))
        setsockopt(
            channel.stream.fileDescriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    private func finish(reason: String) {
        if handle != nil { server.unregister(processID) }
        channel.stream.close()
        if session.inTransaction {
            // Leaving the transaction open would keep its writes invisible but pending.
            _ = try? session.run(.rollback, text: "ROLLBACK")
        }
        let seconds = Double(monotonicNanoseconds() - openedAt) / 1e9
        log.info("connection \(processID) closed after \(String(format: "%.3f", seconds)) s: \(reason)")
    }

    /// Sends a FATAL error, ignoring a socket that is already gone.
    private func sendFatal(_ error: TeleError) {
        log.error("connection \(processID): FATAL \(error.state.code) \(error.message)")
        writer.removeAll()
        writeErrorResponse(error, severity: "FATAL", sourceText: nil)
        try? channel.send(&writer)
    }

    // MARK: The message loop

    private func messageLoop() throws {
        while true {
            try waitForInput()
            guard let (type, body) = try channel.readMessage() else { throw ConnectionEnd.clientClosed }
            guard let message = FrontendMessage(rawValue: type) else {
                throw ProtocolViolation.malformed("unknown message type \(type)")
            }
            if message == .terminate { return }
            if skippingToSync, message != .sync { continue }
            try handle(message, body: body)
            if writer.count >= 256 << 10 { try channel.send(&writer) }
        }
    }

    private func handle(_ message: FrontendMessage, body: [UInt8]) throws {
        switch message {
        case .query: try handleQuery(body)
        case .parse: try extended { try handleParse(body) }
        case .bind: try extended { try handleBind(body) }
        case .describe: try extended { try handleDescribe(body) }
        case .execute: try extended { try handleExecute(body) }
        case .close: try extended { try handleClose(body) }
        case .sync: try handleSync(body)
        case .flush: try channel.send(&writer)
        case .copyData, .copyDone, .copyFail:
            // PostgreSQL ignores these outside COPY, so a client that ends an aborted COPY
            // in step stays in step.
            break
        case .functionCall:
            writeError(TeleError.notSupported("the fastpath function call is not supported", hint: "Call the function in a SELECT."))
            writeReadyForQuery()
        case .password:
            throw ProtocolViolation.malformed("unexpected password message after authentication")
        case .terminate:
            break
        }
    }

    /// Flushes the output and blocks until a message arrives, delivering notifications while
    /// idle.
    ///
    /// - Throws: `ConnectionEnd` when the server stops or the idle timeout passes.
    private func waitForInput() throws {
        try channel.send(&writer)
        let idleSince = monotonicNanoseconds()
        while !channel.hasBufferedInput {
            if server.isStopping { throw ConnectionEnd.fatal(Self.shutdownError) }
            if !session.inTransaction, try deliverNotifications() { try channel.send(&writer) }
            var timeout: Int32 = -1
            if let idleTimeout = configuration.idleTimeout {
                let elapsed = Double(monotonicNanoseconds() - idleSince) / 1e9
                if elapsed >= idleTimeout { throw ConnectionEnd.fatal(idleTimeoutError()) }
                timeout = Int32(min(Double(Int32.max), ((idleTimeout - elapsed) * 1000).rounded(.up)))
            }
            var descriptors = [pollfd(fd: channel.stream.fileDescriptor, events: Int16(POLLIN), revents: 0)]
            if let handle { descriptors.append(pollfd(fd: handle.wakeDescriptor, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&descriptors, nfds_t(descriptors.count), timeout)
            if ready < 0, errno != EINTR { throw SocketError.failed("poll", errno) }
            if descriptors.count > 1, descriptors[1].revents != 0 { handle?.clearWake() }
            if descriptors[0].revents != 0 { return }
        }
    }

    private func idleTimeoutError() -> TeleError {
        if session.inTransaction {
            return TeleError(
                SQLState("25P03"), "terminating connection due to idle-in-transaction timeout",
                hint: "End transactions with COMMIT or ROLLBACK promptly, or raise the server's --idle-timeout.")
        }
        return TeleError(
            SQLState("57P05"), "terminating connection due to idle-session timeout",
            hint: "Reconnect; the server's --idle-timeout closes connections that stay idle.")
    }

    static let shutdownError = TeleError(
        SQLState("57P01"), "terminating connection due to administrator command",
        hint: "The server is shutting down; reconnect once it runs again.")

    // MARK: ReadyForQuery

    var transactionStatus: TransactionStatus {
        if !session.inTransaction {
            transactionFailed = false
            return .idle
        }
        return transactionFailed ? .failed : .inBlock
    }

    func writeReadyForQuery() {
        if !session.inTransaction { _ = try? deliverNotifications() }
        writer.begin(.readyForQuery)
        writer.int8(transactionStatus.rawValue)
        writer.end()
    }

    /// Writes the queued notifications as NotificationResponse messages.
    ///
    /// - Returns: whether any were written.
    @discardableResult
    func deliverNotifications() throws -> Bool {
        let queued = server.notifications.drain(processID)
        for notification in queued {
            writer.begin(.notificationResponse)
            writer.int32(notification.senderProcessID)
            writer.cString(notification.channel)
            writer.cString(notification.payload)
            writer.end()
        }
        return !queued.isEmpty
    }
}

/// The reason a connection ends early.
enum ConnectionEnd: Error {
    case clientClosed
    /// An error sent to the client in a FATAL ErrorResponse before the close.
    case fatal(TeleError)

    var logText: String {
        switch self {
        case .clientClosed: return "client closed the connection"
        case .fatal(let error): return "\(error.state.code) \(error.message)"
        }
    }
}
