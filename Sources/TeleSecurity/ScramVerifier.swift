// The stored form of a SCRAM-SHA-256 password: salt, iteration count, StoredKey and ServerKey
// (RFC 5802 section 3), written in PostgreSQL's text format. A verifier lets the server check
// a client's proof without ever storing or seeing the password.

import TeleCore

/// A SCRAM-SHA-256 password verifier.
///
/// The text form is PostgreSQL's `pg_authid.rolpassword` format:
///
///     SCRAM-SHA-256$<iterations>:<salt base64>$<StoredKey base64>:<ServerKey base64>
public struct ScramVerifier: Sendable, Equatable {
    /// The iteration count of new verifiers, PostgreSQL's `SCRAM_DEFAULT_ITERATIONS`.
    public static let defaultIterations = 4096
    /// The salt length in bytes of new verifiers, PostgreSQL's `SCRAM_DEFAULT_SALT_LEN`.
    public static let defaultSaltLength = 16

    public let iterations: Int
    public let salt: [UInt8]
    /// SHA-256(ClientKey), which checks the proof a client sends.
    public let storedKey: [UInt8]
    /// HMAC(SaltedPassword, "Server Key"), which signs the server's final message.
    public let serverKey: [UInt8]

    /// Derives a verifier from a password with the given salt.
    ///
    /// - Throws: `TeleError` 22023 when the password is empty or the iteration count is outside
    ///   1 through 2^31 - 1.
    public init(password: String, salt: [UInt8], iterations: Int = ScramVerifier.defaultIterations) throws {
        guard !password.isEmpty else {
            throw TeleError(
                .invalidParameterValue, "empty password", hint: "Give a password of at least one character.")
        }
        guard iterations > 0, iterations <= Int(Int32.max) else {
            throw TeleError(
                .invalidParameterValue, "invalid SCRAM iteration count \(iterations)",
                hint: "Use a count between 1 and \(Int32.max).")
        }
        let saltedPassword = try Crypto.pbkdf2SHA256(
            password: SASLprep.prepare(password), salt: salt, iterations: iterations)
        let clientKey = try Crypto.hmacSHA256(key: saltedPassword, message: Array("Client Key".utf8))
        self.iterations = iterations
        self.salt = salt
        self.storedKey = try Crypto.sha256(clientKey)
        self.serverKey = try Crypto.hmacSHA256(key: saltedPassword, message: Array("Server Key".utf8))
    }

    /// Derives a verifier from a password with a fresh random salt.
    public init(password: String) throws {
        try self.init(password: password, salt: Crypto.randomBytes(count: Self.defaultSaltLength))
    }

    /// Builds a verifier from its parts, for example a fake one for an unknown user.
    public init(iterations: Int, salt: [UInt8], storedKey: [UInt8], serverKey: [UInt8]) {
        precondition(storedKey.count == Crypto.sha256Length && serverKey.count == Crypto.sha256Length)
        self.iterations = iterations
        self.salt = salt
        self.storedKey = storedKey
        self.serverKey = serverKey
    }

    /// Parses PostgreSQL's text form.
    ///
    /// - Throws: `TeleError` 22023 naming the part that is invalid.
    public init(parsing text: String) throws {
        func invalid(_ detail: String) -> TeleError {
            TeleError(
                .invalidParameterValue, "invalid SCRAM-SHA-256 verifier", detail: detail,
                hint: "A verifier reads SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>.")
        }
        let sections = text.split(separator: "$", omittingEmptySubsequences: false)
        guard sections.count == 3, sections[0] == "SCRAM-SHA-256" else {
            throw invalid("The text does not start with SCRAM-SHA-256 or has not three $-separated parts.")
        }
        let parameters = sections[1].split(separator: ":", omittingEmptySubsequences: false)
        let keys = sections[2].split(separator: ":", omittingEmptySubsequences: false)
        guard parameters.count == 2, keys.count == 2 else {
            throw invalid("The iteration count and salt, or the two keys, are not separated by one colon.")
        }
        guard let iterations = Int(parameters[0]), iterations > 0, iterations <= Int(Int32.max) else {
            throw invalid("The iteration count \(parameters[0]) is not a positive 32-bit integer.")
        }
        guard let salt = Crypto.base64Decode(String(parameters[1])), !salt.isEmpty else {
            throw invalid("The salt is not base64.")
        }
        guard let storedKey = Crypto.base64Decode(String(keys[0])), storedKey.count == Crypto.sha256Length,
            let serverKey = Crypto.base64Decode(String(keys[1])), serverKey.count == Crypto.sha256Length
        else {
            throw invalid("StoredKey and ServerKey must each be 32 bytes in base64.")
        }
        self.init(iterations: iterations, salt: salt, storedKey: storedKey, serverKey: serverKey)
    }

    /// The verifier in PostgreSQL's text form.
    public var text: String {
        "SCRAM-SHA-256$\(iterations):\(Crypto.base64(salt))$\(Crypto.base64(storedKey)):\(Crypto.base64(serverKey))"
    }

    /// Checks a cleartext password against this verifier in constant time.
    ///
    /// This serves AuthenticationCleartextPassword, which a server should offer only over TLS.
    public func matches(password: String) throws -> Bool {
        guard !password.isEmpty else { return false }
        let candidate = try ScramVerifier(password: password, salt: salt, iterations: iterations)
        return Crypto.constantTimeEqual(candidate.storedKey, storedKey)
            && Crypto.constantTimeEqual(candidate.serverKey, serverKey)
    }
}

extension ScramVerifier {
    /// Derives a verifier for a user that does not exist from the name and a per-process secret.
    ///
    /// The salt is stable for a name within one process, so repeated attempts cannot tell an
    /// unknown user from a known one by a changing salt. No password matches it in practice,
    /// because the keys come from HMACs under the secret instead of from a password.
    public static func fake(forUser user: String) throws -> ScramVerifier {
        guard let secret = FakeVerifierSecret.bytes else {
            throw TeleError.internalError("random number generation failed for the fake verifier secret")
        }
        let name = Array(user.utf8)
        let salt = try Crypto.hmacSHA256(key: secret, message: Array("salt:".utf8) + name)
        return ScramVerifier(
            iterations: defaultIterations,
            salt: Array(salt.prefix(defaultSaltLength)),
            storedKey: try Crypto.hmacSHA256(key: secret, message: Array("stored key:".utf8) + name),
            serverKey: try Crypto.hmacSHA256(key: secret, message: Array("server key:".utf8) + name))
    }
}

/// The random secret behind fake verifiers, drawn once per process.
private enum FakeVerifierSecret {
    static let bytes: [UInt8]? = try? Crypto.randomBytes(count: 32)
}
