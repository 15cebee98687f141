// The server side of one SCRAM-SHA-256 exchange (RFC 5802 with RFC 7677's hash), as
// PostgreSQL carries it. The client-first message arrives in SASLInitialResponse and the
// server-first goes out in AuthenticationSASLContinue. Then the client-final arrives in
// SASLResponse and the server-final goes out in AuthenticationSASLFinal. The wire server owns
// the framing, and this file owns the SCRAM messages and the proof check.

import TeleCore

/// One SCRAM-SHA-256 authentication attempt, driven by the wire server.
///
/// Call `receiveClientFirst(_:)` and then `receiveClientFinal(_:)` once each. For a user that
/// does not exist, pass `verifier: nil`: the exchange then runs against a fake verifier, so
/// the time and the messages match those for a wrong password, and fails at the proof check.
/// Not thread-safe, because one connection's thread drives it.
public final class ScramServerExchange {
    /// The SASL mechanism name to list in AuthenticationSASL.
    public static let mechanism = "SCRAM-SHA-256"

    private enum State {
        case expectingClientFirst
        case expectingClientFinal(ClientFirst, serverFirst: String, nonce: String)
        case finished
        case failed
    }

    private struct ClientFirst {
        /// The gs2 header, for example `n,,`, which the client-final's `c=` must repeat.
        let gs2Header: String
        let bare: String
        let nonce: String
    }

    private let user: String
    private let verifier: ScramVerifier
    private let userExists: Bool
    private let nonceSource: () throws -> String
    private var state = State.expectingClientFirst

    /// Whether the client proved possession of the password.
    public private(set) var isAuthenticated = false

    /// Starts an exchange for `user`, the user name of the startup message.
    ///
    /// - Parameters:
    ///   - user: the startup user. PostgreSQL clients send an empty name inside SCRAM, so this
    ///     name is the one checked and the one that error messages show.
    ///   - verifier: the user's stored verifier, or nil when the user does not exist.
    ///   - nonceSource: returns the server's part of the nonce (printable ASCII without commas).
    ///     Tests inject a fixed one; the default is 18 random bytes in base64, as PostgreSQL sends.
    public init(
        user: String, verifier: ScramVerifier?,
        nonceSource: @escaping () throws -> String = ScramServerExchange.randomNonce
    ) throws {
        self.user = user
        // The fake verifier is derived for known users too, so that creating an exchange
        // costs the same whether or not the user exists.
        let fake = try ScramVerifier.fake(forUser: user)
        self.verifier = verifier ?? fake
        self.userExists = verifier != nil
        self.nonceSource = nonceSource
    }

    /// Returns 18 random bytes in base64, the server nonce PostgreSQL sends.
    public static func randomNonce() throws -> String {
        try Crypto.base64(Crypto.randomBytes(count: 18))
    }

    /// Parses the client-first message and returns the server-first message.
    ///
    /// - Throws: `TeleError` 08P01 for a malformed message, a message out of order or a
    ///   request for channel binding; 0A000 for an authorization identity.
    public func receiveClientFirst(_ bytes: [UInt8]) throws -> [UInt8] {
        guard case .expectingClientFirst = state else {
            state = .failed
            throw ScramMessage.malformed("the client-first message arrived twice or after a failure")
        }
        state = .failed
        let clientFirst = try parseClientFirst(bytes)
        let serverNonce = try nonceSource()
        precondition(ScramMessage.isValidNonce(serverNonce), "the nonce source returned an invalid nonce")

        let nonce = clientFirst.nonce + serverNonce
        let serverFirst = "r=\(nonce),s=\(Crypto.base64(verifier.salt)),i=\(verifier.iterations)"
        state = .expectingClientFinal(clientFirst, serverFirst: serverFirst, nonce: nonce)
        return Array(serverFirst.utf8)
    }

    /// Checks the client-final message's proof and returns the server-final message (`v=...`).
    ///
    /// - Throws: `TeleError` 28P01 when the proof is wrong or the user does not exist, with the
    ///   same message in both cases; 08P01 for a malformed message or one out of order.
    public func receiveClientFinal(_ bytes: [UInt8]) throws -> [UInt8] {
        guard case .expectingClientFinal(let clientFirst, let serverFirst, let nonce) = state else {
            state = .failed
            throw ScramMessage.malformed("the client-final message arrived before the client-first message")
        }
        state = .failed
        let clientFinal = try ScramMessage.parseClientFinal(bytes)

        guard let channelBinding = Crypto.base64Decode(clientFinal.channelBinding),
            channelBinding == Array(clientFirst.gs2Header.utf8)
        else {
            throw ScramMessage.malformed("the channel binding attribute c= does not repeat the gs2 header")
        }
        guard clientFinal.nonce == nonce else {
            throw ScramMessage.malformed("the nonce in the client-final message does not match")
        }

        // AuthMessage = client-first-bare "," server-first "," client-final-without-proof.
        let authMessage = Array("\(clientFirst.bare),\(serverFirst),\(clientFinal.withoutProof)".utf8)
        let clientSignature = try Crypto.hmacSHA256(key: verifier.storedKey, message: authMessage)
        let clientKey = zip(clientFinal.proof, clientSignature).map { $0 ^ $1 }
        let proofMatches = Crypto.constantTimeEqual(try Crypto.sha256(clientKey), verifier.storedKey)
        let serverSignature = try Crypto.hmacSHA256(key: verifier.serverKey, message: authMessage)

        // Both conditions are evaluated before branching, so an unknown user costs the same work.
        guard proofMatches && userExists else {
            throw TeleError(
                .invalidPassword, "password authentication failed for user \"\(user)\"",
                hint: "Check the user name and password.")
        }
        state = .finished
        isAuthenticated = true
        return Array("v=\(Crypto.base64(serverSignature))".utf8)
    }

    private func parseClientFirst(_ bytes: [UInt8]) throws -> ClientFirst {
        let text = try ScramMessage.decodeUTF8(bytes)
        let scalars = Array(text.unicodeScalars)

        // gs2-header: a channel-binding flag, an optional authzid, and two commas.
        guard let flag = scalars.first else { throw ScramMessage.malformed("the client-first message is empty") }
        switch flag {
        case "n", "y":
            // "y" means the client supports channel binding but believes the server does not,
            // which is true: SCRAM-SHA-256-PLUS is never offered.
            guard scalars.count > 1, scalars[1] == "," else {
                throw ScramMessage.malformed("expected a comma after the channel binding flag")
            }
        case "p":
            throw TeleError(
                .protocolViolation, "SCRAM channel binding is not supported",
                hint: "Connect with channel_binding=prefer or channel_binding=disable.")
        default:
            throw ScramMessage.malformed("unexpected channel binding flag \"\(flag)\"")
        }
        guard scalars.count > 2, scalars[2] == "," else {
            if scalars.count > 2, scalars[2] == "a" {
                throw TeleError(
                    .featureNotSupported, "SCRAM authorization identity is not supported",
                    hint: "Connect without an authorization identity (a=).")
            }
            throw ScramMessage.malformed("expected an empty authorization identity in the gs2 header")
        }
        let gs2Header = String(String.UnicodeScalarView(scalars[0..<3]))
        let bare = String(String.UnicodeScalarView(scalars[3...]))

        let attributes = bare.split(separator: ",", omittingEmptySubsequences: false)
        guard attributes.count >= 2 else {
            throw ScramMessage.malformed("the client-first message lacks the user name or the nonce")
        }
        if attributes[0].hasPrefix("m=") {
            throw TeleError(
                .featureNotSupported, "SCRAM mandatory extensions are not supported",
                hint: "Connect with a client that sends no m= attribute.")
        }
        // The user name inside SCRAM is ignored: PostgreSQL clients send it empty.
        guard attributes[0].hasPrefix("n=") else {
            throw ScramMessage.malformed("expected the user name attribute n=")
        }
        guard attributes[1].hasPrefix("r=") else {
            throw ScramMessage.malformed("expected the nonce attribute r=")
        }
        let nonce = String(attributes[1].dropFirst(2))
        guard ScramMessage.isValidNonce(nonce) else {
            throw ScramMessage.malformed("the client nonce is empty or contains a non-printable character")
        }
        return ClientFirst(gs2Header: gs2Header, bare: bare, nonce: nonce)
    }
}

/// Parsing helpers shared by the SCRAM messages.
enum ScramMessage {
    /// The attributes of a client-final message.
    struct ClientFinal {
        let channelBinding: String
        let nonce: String
        let proof: [UInt8]
        /// The message up to, but not including, `,p=`, which is part of AuthMessage.
        let withoutProof: String
    }

    static func malformed(_ detail: String) -> TeleError {
        TeleError(
            .protocolViolation, "malformed SCRAM message", detail: detail.prefix(1).uppercased() + detail.dropFirst() + ".",
            hint: "The client's SCRAM-SHA-256 implementation sent a message that RFC 5802 does not allow.")
    }

    static func decodeUTF8(_ bytes: [UInt8]) throws -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw malformed("the message is not valid UTF-8")
        }
        return text
    }

    /// RFC 5802 allows printable ASCII except the comma in a nonce.
    static func isValidNonce(_ nonce: String) -> Bool {
        !nonce.isEmpty && nonce.utf8.allSatisfy { $0 >= 0x21 && $0 <= 0x7E && $0 != UInt8(ascii: ",") }
    }

    /// Parses `c=<base64>,r=<nonce>[,extensions],p=<proof base64>`.
    static func parseClientFinal(_ bytes: [UInt8]) throws -> ClientFinal {
        let text = try decodeUTF8(bytes)
        let attributes = text.split(separator: ",", omittingEmptySubsequences: false)
        guard attributes.count >= 3, let last = attributes.last else {
            throw malformed("the client-final message lacks c=, r= or p=")
        }
        guard attributes[0].hasPrefix("c=") else { throw malformed("expected the channel binding attribute c=") }
        guard attributes[1].hasPrefix("r=") else { throw malformed("expected the nonce attribute r=") }
        guard last.hasPrefix("p=") else { throw malformed("expected the proof attribute p= at the end") }
        guard let proof = Crypto.base64Decode(String(last.dropFirst(2))), proof.count == Crypto.sha256Length else {
            throw malformed("the proof is not 32 bytes in base64")
        }
        let withoutProof = attributes.dropLast().joined(separator: ",")
        return ClientFinal(
            channelBinding: String(attributes[0].dropFirst(2)), nonce: String(attributes[1].dropFirst(2)),
            proof: proof, withoutProof: withoutProof)
    }
}
