// The OpenSSL primitives that SCRAM-SHA-256 needs: SHA-256, HMAC-SHA-256, PBKDF2-HMAC-SHA-256,
// random bytes, a constant-time comparison and base64. Each wrapper turns an OpenSSL failure
// into a TeleError so that no caller has to read OpenSSL's return-code conventions.

import COpenSSL
import Foundation
import TeleCore

/// SHA-256 and HMAC-SHA-256 digests, key derivation and random bytes over OpenSSL.
public enum Crypto {
    /// The length of a SHA-256 digest in bytes.
    public static let sha256Length = 32

    /// Returns the SHA-256 digest of `bytes`.
    public static func sha256(_ bytes: [UInt8]) throws -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: sha256Length)
        var length: UInt32 = 0
        let status = bytes.withUnsafeBufferPointer { input in
            EVP_Digest(input.baseAddress, input.count, &digest, &length, EVP_sha256(), nil)
        }
        guard status == 1, length == UInt32(sha256Length) else {
            throw openSSLFailure("SHA-256 digest failed")
        }
        return digest
    }

    /// Returns HMAC-SHA-256 of `message` under `key`.
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) throws -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: sha256Length)
        var length: UInt32 = 0
        let result = key.withUnsafeBufferPointer { keyBuffer in
            message.withUnsafeBufferPointer { messageBuffer in
                HMAC(
                    EVP_sha256(), keyBuffer.baseAddress, Int32(keyBuffer.count),
                    messageBuffer.baseAddress, messageBuffer.count, &digest, &length)
            }
        }
        guard result != nil, length == UInt32(sha256Length) else {
            throw openSSLFailure("HMAC-SHA-256 failed")
        }
        return digest
    }

    /// Derives a 32-byte key with PBKDF2-HMAC-SHA-256 (RFC 8018), which is SCRAM's Hi() function.
    public static func pbkdf2SHA256(password: [UInt8], salt: [UInt8], iterations: Int) throws -> [UInt8] {
        precondition(iterations > 0 && iterations <= Int(Int32.max), "PBKDF2 iteration count out of range")
        var key = [UInt8](repeating: 0, count: sha256Length)
        let status = password.withUnsafeBufferPointer { passwordBuffer in
            salt.withUnsafeBufferPointer { saltBuffer in
                passwordBuffer.withMemoryRebound(to: CChar.self) { passwordChars in
                    PKCS5_PBKDF2_HMAC(
                        passwordChars.baseAddress, Int32(passwordChars.count),
                        saltBuffer.baseAddress, Int32(saltBuffer.count), Int32(iterations),
                        EVP_sha256(), Int32(sha256Length), &key)
                }
            }
        }
        guard status == 1 else { throw openSSLFailure("PBKDF2-HMAC-SHA-256 failed") }
        return key
    }

    /// Returns `count` bytes from OpenSSL's cryptographically secure generator.
    public static func randomBytes(count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&bytes, Int32(count)) == 1 else {
            throw openSSLFailure("random number generation failed")
        }
        return bytes
    }

    /// Compares two byte strings in time that depends only on their lengths.
    ///
    /// Unequal lengths return false at once, because every caller compares SHA-256 digests,
    /// whose length is public.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
    }

    /// Encodes bytes as standard base64 with padding (RFC 4648 section 4).
    public static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Decodes standard padded base64, or returns nil for any other text.
    public static func base64Decode(_ text: String) -> [UInt8]? {
        Data(base64Encoded: text).map { [UInt8]($0) }
    }

    /// Builds an internal error from `message` and the entries in OpenSSL's error queue.
    static func openSSLFailure(_ message: String) -> TeleError {
        TeleError(.internalError, message, detail: OpenSSLErrorQueue.drain())
    }
}

/// OpenSSL's per-thread error queue.
enum OpenSSLErrorQueue {
    /// Removes every queued error and returns their texts joined by "; ", or nil when the queue was empty.
    static func drain() -> String? {
        var texts: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            texts.append(String(decoding: bytes, as: UTF8.self))
        }
        return texts.isEmpty ? nil : texts.joined(separator: "; ")
    }
}
