// The settings of a wire server: where it listens, timeouts, TLS, authentication and its log.

import TeleCore
import TeleSecurity

public struct ServerConfiguration: Sendable {
    /// The IPv4 address to listen on; `localhost` means 127.0.0.1.
    public var host: String
    /// The TCP port; 0 lets the system choose a free one, which `WireServer.port` reports.
    public var port: Int
    /// Closes a connection that sends nothing for this many seconds; nil never does.
    public var idleTimeout: Double?
    /// Cancels a statement that runs longer than this many seconds (57014); nil never does.
    /// A session's own `SET statement_timeout` (in milliseconds) takes precedence.
    public var statementTimeout: Double?
    /// Closes a connection that has not finished its startup and authentication after this
    /// many seconds; PostgreSQL's authentication_timeout defaults to the same 60.
    public var startupTimeout: Double
    /// Connections beyond this count are refused with 53300, as PostgreSQL's max_connections.
    public var maxConnections: Int
    /// The certificate and key behind an `S` reply to SSLRequest; without them the server
    /// replies `N`.
    public var tls: TLSContext?
    /// Checks each client's credentials; nil uses SCRAM-SHA-256 against the database's users,
    /// which trusts every client while no user exists.
    public var authenticator: (any Authenticator)?
    public var log: ServerLog

    public init(
        host: String = "127.0.0.1", port: Int = 5433, idleTimeout: Double? = nil, statementTimeout: Double? = nil,
        startupTimeout: Double = 60, maxConnections: Int = 100, tls: TLSContext? = nil, authenticator: (any Authenticator)? = nil,
        log: ServerLog = ServerLog()
    ) {
        self.host = host
        self.port = port
        self.idleTimeout = idleTimeout
        self.statementTimeout = statementTimeout
        self.startupTimeout = startupTimeout
        self.maxConnections = maxConnections
        self.tls = tls
        self.authenticator = authenticator
        self.log = log
    }
}
