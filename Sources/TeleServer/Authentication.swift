// The authentication seam of the server: what happens between the startup packet and
// AuthenticationOk. `UserAuthenticator` runs SCRAM-SHA-256 against the database's users and
// trusts every client while there are none; `TrustAuthenticator` always trusts.

import TeleCore

/// Verifies a client's identity during startup.
public protocol Authenticator: Sendable {
    /// Authenticates `user` by exchanging Authentication and password messages over
    /// `exchange`; returns to accept the client.
    ///
    /// - Throws: `TeleError` with SQLSTATE 28P01 (wrong password) or 28000 (unknown user or
    ///   method not allowed). The server sends it as a FATAL error and closes the connection.
    func authenticate(user: String, database: String, exchange: any AuthenticationExchange) throws
}

/// The messages an authenticator sends and reads during startup.
public protocol AuthenticationExchange: AnyObject {
    /// Whether the connection runs over TLS, which a cleartext password method requires.
    var isEncrypted: Bool { get }
    /// Sends an Authentication request: `code` 3 for a cleartext password, 10 for SASL (with
    /// the mechanism names), 11 for SASLContinue and 12 for SASLFinal, with their data.
    func sendAuthenticationRequest(code: Int32, data: [UInt8]) throws
    /// Reads the body of the client's next PasswordMessage, SASLInitialResponse or
    /// SASLResponse (all use message type `p`).
    func readPasswordMessage() throws -> [UInt8]
}

/// Accepts every client without a password, which suits a server that listens on loopback
/// only and has no users.
public struct TrustAuthenticator: Authenticator {
    public init() {}

    public func authenticate(user: String, database: String, exchange: any AuthenticationExchange) throws {}
}
