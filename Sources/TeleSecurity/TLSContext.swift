// The server's TLS configuration over OpenSSL: one SSL_CTX loaded with the certificate chain
// and private key given to `teledb serve --tls-cert --tls-key`, shared by every connection.

import COpenSSL
import Foundation
import TeleCore

#if canImport(Glibc)
    import Glibc
#endif

/// A server TLS context: the certificate chain, the private key and the protocol settings.
///
/// `@unchecked Sendable` because OpenSSL allows creating connections from one SSL_CTX on many
/// threads at once, and nothing changes the context after `init`.
public final class TLSContext: @unchecked Sendable {
    let pointer: OpaquePointer

    /// SQLSTATE F0000, config_file_error, which PostgreSQL's be-secure-openssl.c raises for an
    /// unusable certificate or key.
    static let configurationError = SQLState("F0000")

    // OpenSSL 3.0's ssl.h defines these option bits with a macro that Swift cannot import.
    /// SSL_OP_IGNORE_UNEXPECTED_EOF, so a client that closes the socket without close_notify
    /// ends the stream with a 0-byte read instead of an error.
    private static let ignoreUnexpectedEOF: UInt64 = 1 << 7
    /// SSL_OP_NO_RENEGOTIATION, because the protocol never needs renegotiation and it has
    /// been a source of denial-of-service attacks.
    private static let noRenegotiation: UInt64 = 1 << 30

    /// Loads a PEM certificate chain and its PEM private key, and requires TLS 1.2 or later.
    ///
    /// The process ignores SIGPIPE from then on, because OpenSSL writes to sockets with
    /// `write(2)`, which raises SIGPIPE when the client has gone.
    ///
    /// - Throws: `TeleError` F0000 naming the file that is missing, unreadable or invalid, the
    ///   key file when other users can read it, or saying that the key does not match the
    ///   certificate.
    public init(certificatePath: String, keyPath: String) throws {
        try Self.checkReadable(certificatePath, kind: "certificate", option: "--tls-cert")
        try Self.checkReadable(keyPath, kind: "private key", option: "--tls-key")
        try Self.checkKeyPermissions(keyPath)

        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw Crypto.openSSLFailure("SSL_CTX_new failed")
        }
        pointer = context
        _ = SSL_CTX_ctrl(context, SSL_CTRL_SET_MIN_PROTO_VERSION, Int(TLS1_2_VERSION), nil)
        _ = SSL_CTX_set_options(context, Self.ignoreUnexpectedEOF | Self.noRenegotiation)

        guard SSL_CTX_use_certificate_chain_file(context, certificatePath) == 1 else {
            throw TeleError(
                Self.configurationError, "invalid TLS certificate file \"\(certificatePath)\"",
                detail: OpenSSLErrorQueue.drain(), hint: "Pass a PEM certificate (chain) with --tls-cert.")
        }
        guard SSL_CTX_use_PrivateKey_file(context, keyPath, SSL_FILETYPE_PEM) == 1 else {
            throw TeleError(
                Self.configurationError, "invalid TLS private key file \"\(keyPath)\"",
                detail: OpenSSLErrorQueue.drain(), hint: "Pass an unencrypted PEM private key with --tls-key.")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw TeleError(
                Self.configurationError,
                "TLS private key \"\(keyPath)\" does not match certificate \"\(certificatePath)\"",
                detail: OpenSSLErrorQueue.drain(), hint: "Pass the key that the certificate was issued for.")
        }
        signal(SIGPIPE, SIG_IGN)
    }

    deinit {
        SSL_CTX_free(pointer)
    }

    /// Runs the server side of the TLS handshake on an accepted socket.
    ///
    /// Call it after sending `S` in reply to SSLRequest. See `TLSStream.init(context:fileDescriptor:)`.
    public func accept(fileDescriptor: Int32) throws -> TLSStream {
        try TLSStream(context: self, fileDescriptor: fileDescriptor)
    }

    /// Rejects a private key that other users can read, with PostgreSQL's rule: a key owned by
    /// root may be readable by its group, and any other key by its owner only.
    static func checkKeyPermissions(_ path: String) throws {
        var status = stat()
        guard stat(path, &status) == 0 else { return }
        let forbidden: mode_t = status.st_uid == 0 ? (S_IWGRP | S_IXGRP | S_IRWXO) : (S_IRWXG | S_IRWXO)
        guard status.st_mode & forbidden == 0 else {
            throw TeleError(
                configurationError, "private key file \"\(path)\" has group or world access",
                detail: "The file must have permissions u=rw (0600) or less if owned by the server's user, "
                    + "or u=rw,g=r (0640) or less if owned by root.",
                hint: "Run chmod 600 on the file.")
        }
    }

    private static func checkReadable(_ path: String, kind: String, option: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TeleError(
                configurationError, "TLS \(kind) file \"\(path)\" not found",
                hint: "Pass the path of an existing PEM file with \(option).")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw TeleError(
                configurationError, "TLS \(kind) file \"\(path)\" is not readable",
                hint: "Give the server's user read permission on the file.")
        }
    }
}
