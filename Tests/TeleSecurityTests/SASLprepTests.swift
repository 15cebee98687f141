// SASLprep as PostgreSQL applies it to SCRAM passwords: ASCII unchanged, non-ASCII mapped and
// normalized, and prohibited characters falling back to the raw bytes.

import Testing
@testable import TeleSecurity

@Suite struct SASLprepTests {
    @Test func asciiUnchanged() {
        #expect(SASLprep.prepare("pencil") == Array("pencil".utf8))
        // PostgreSQL passes any pure-ASCII password through, control characters included.
        #expect(SASLprep.prepare("a\tb") == Array("a\tb".utf8))
    }

    @Test func nonASCIIMappedAndNormalized() {
        // No-break space becomes a space and the soft hyphen disappears. NFKC turns the Roman
        // numeral nine into "IX", as Python's unicodedata.normalize("NFKC", ...) does.
        #expect(SASLprep.prepare("\u{00A0}a\u{00AD}b\u{2168}") == Array(" abIX".utf8))
    }

    @Test func prohibitedFallsBackToRawBytes() {
        let password = "caf\u{00E9}\u{E000}"
        #expect(SASLprep.prepare(password) == Array(password.utf8))
    }

    @Test func composedAndDecomposedAgree() {
        #expect(SASLprep.prepare("caf\u{00E9}") == SASLprep.prepare("cafe\u{0301}"))
    }
}
