// SASLprep (RFC 4013), the string preparation that SCRAM applies to a password before hashing
// it. The verifier built by CREATE USER and the proof a client computes must start from the
// same bytes, so this follows libpq and the PostgreSQL server. An ASCII password is used
// unchanged, and a password that SASLprep rejects is used as its raw UTF-8 bytes.

import Foundation

/// The SASLprep profile of stringprep, as PostgreSQL applies it to SCRAM passwords.
public enum SASLprep {
    /// Returns the bytes that SCRAM hashes for `password`.
    ///
    /// The steps are RFC 4013's mapping (non-ASCII spaces to U+0020, the characters of RFC 3454
    /// table B.1 removed), then NFKC, then the prohibited-character check. When the check fails
    /// the raw UTF-8 bytes are returned, as PostgreSQL does, instead of rejecting the password.
    ///
    /// NOTE: the bidirectional-text rule and the unassigned-code-point check of RFC 3454 are not
    /// applied, so a password with right-to-left or unassigned characters may hash differently
    /// here than in a PostgreSQL client.
    public static func prepare(_ password: String) -> [UInt8] {
        let raw = Array(password.utf8)
        if raw.allSatisfy({ $0 < 0x80 }) { return raw }

        var mapped = String.UnicodeScalarView()
        for scalar in password.unicodeScalars {
            if isNonASCIISpace(scalar.value) {
                mapped.append(" ")
            } else if !isMappedToNothing(scalar.value) {
                mapped.append(scalar)
            }
        }
        let normalized = String(mapped).precomposedStringWithCompatibilityMapping
        if normalized.isEmpty { return raw }
        if normalized.unicodeScalars.contains(where: { isProhibited($0.value) }) { return raw }
        return Array(normalized.utf8)
    }

    /// RFC 3454 table C.1.2.
    static func isNonASCIISpace(_ value: UInt32) -> Bool {
        switch value {
        case 0x00A0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// RFC 3454 table B.1.
    static func isMappedToNothing(_ value: UInt32) -> Bool {
        switch value {
        case 0x00AD, 0x034F, 0x1806, 0x180B...0x180D, 0x200B...0x200D, 0x2060, 0xFE00...0xFE0F, 0xFEFF:
            return true
        default: return false
        }
    }

    /// RFC 3454 tables C.1.2 and C.2.1 to C.9, which RFC 4013 section 2.3 prohibits.
    static func isProhibited(_ value: UInt32) -> Bool {
        if isNonASCIISpace(value) { return true }
        switch value {
        case 0x0000...0x001F, 0x007F, 0x0080...0x009F: return true  // C.2.1, C.2.2 controls
        case 0x06DD, 0x070F, 0x180E, 0x200C, 0x200D, 0x2028, 0x2029, 0x2060...0x2063, 0x206A...0x206F:
            return true  // C.2.2
        case 0xFEFF, 0xFFF9...0xFFFD, 0x1D173...0x1D17A: return true  // C.2.2, C.6
        case 0xE000...0xF8FF, 0xF0000...0xFFFFD, 0x100000...0x10FFFD: return true  // C.3 private use
        case 0xFDD0...0xFDEF: return true  // C.4 non-characters
        case 0x2FF0...0x2FFB: return true  // C.7 ideographic description
        case 0x0340, 0x0341, 0x200E, 0x200F, 0x202A...0x202E: return true  // C.8
        case 0xE0001, 0xE0020...0xE007F: return true  // C.9 tagging
        default:
            // C.4 also lists the last two code points of every plane.
            return value & 0xFFFE == 0xFFFE
        }
    }
}
