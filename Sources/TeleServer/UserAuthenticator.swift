// SCRAM-SHA-256 authentication against the users that CREATE USER stores, framed in
// PostgreSQL's SASL messages: AuthenticationSASL lists the mechanism, SASLInitialResponse
// carries the client-first message, AuthenticationSASLContinue the server-first,
// SASLResponse the client-final, and AuthenticationSASLFinal the server-final.
//
// While the database has no users every client is trusted, so a fresh database works with
// psql at once. Only SCRAM is offered, never a cleartext or MD5 password.

import TeleCore
import TeleDB
import TeleSecurity

public struct UserAuthenticator: Authenticator {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Authentication request codes of PostgreSQL's protocol 3.0.
    enum RequestCode {
        static let sasl: Int32 = 10
        static let saslContinue: Int32 = 11
        static let saslFinal: Int32 = 12
    }

    public func authenticate(user: String, database _: String, exchange: any AuthenticationExchange) throws {
        guard try database.hasUsers() else { return }
        // An unknown user runs the same exchange against a fake verifier and fails at the
        // proof, so the reply and its timing do not reveal which users exist.
        let scram = try ScramServerExchange(user: user, verifier: try database.scramVerifier(forUser: user))

        try exchange.sendAuthenticationRequest(code: RequestCode.sasl, data: Array(ScramServerExchange.mechanism.utf8) + [0, 0])
        var initial = MessageReader(try exchange.readPasswordMessage(), messageName: "SASLInitialResponse")
        let mechanism = try initial.cString()
        guard mechanism == ScramServerExchange.mechanism else {
            throw TeleError(
                .protocolViolation, "client selected an invalid SASL authentication mechanism \"\(mechanism)\"",
                hint: "Use SCRAM-SHA-256, which every current PostgreSQL driver supports.")
        }
        let length = Int(try initial.int32())
        let clientFirst = Array(try initial.bytes(length))
        try initial.finish()

        let serverFirst = try scram.receiveClientFirst(clientFirst)
        try exchange.sendAuthenticationRequest(code: RequestCode.saslContinue, data: serverFirst)
        let serverFinal = try scram.receiveClientFinal(try exchange.readPasswordMessage())
        try exchange.sendAuthenticationRequest(code: RequestCode.saslFinal, data: serverFinal)
    }
}
