// Character sets of the regular expression matcher: bracket expressions, POSIX classes such
// as [[:alpha:]], the class escapes \d \w \s and their negations, and case folding.
//
// A set is built from scalar ranges and named properties, then finished once for a case
// mode. Finishing precomputes the membership of every ASCII scalar into a 128-bit map, so
// the common test is one shift and mask. Other scalars test the ranges and properties.

/// A named character property, as in `[[:alpha:]]` or `\d`.
///
/// Letters and case follow Unicode's properties. `digit` is only 0-9, but `alnum` and `\w`
/// take the decimal digits of every script. `space` leaves out the no-break spaces and
/// U+0085, and `punct` is every visible non-alphanumeric scalar. Those choices match what
/// PostgreSQL 15 returned under the C.UTF-8 locale of glibc 2.36, where the classes come
/// from the C library.
enum RegexCharacterProperty: Sendable {
    case alpha, digit, alnum, word, space, upper, lower, punct, xdigit, blank, cntrl, graph, print

    /// The property for a POSIX class name, or nil when the name is unknown.
    init?(className: String) {
        switch className {
        case "alpha": self = .alpha
        case "digit": self = .digit
        case "alnum": self = .alnum
        case "word": self = .word
        case "space": self = .space
        case "upper": self = .upper
        case "lower": self = .lower
        case "punct": self = .punct
        case "xdigit": self = .xdigit
        case "blank": self = .blank
        case "cntrl": self = .cntrl
        case "graph": self = .graph
        case "print": self = .print
        default: return nil
        }
    }

    func contains(_ value: UInt32) -> Bool {
        guard let scalar = Unicode.Scalar(value) else { return false }
        let properties = scalar.properties
        switch self {
        case .alpha: return properties.isAlphabetic
        case .digit: return value >= 0x30 && value <= 0x39
        case .alnum: return Self.isAlphanumeric(properties)
        case .word: return isRegexWordCharacter(value)
        case .space: return Self.isSpace(value, properties)
        case .upper: return properties.isUppercase
        case .lower: return properties.isLowercase
        case .punct: return Self.isPrintable(properties) && !Self.isSpace(value, properties) && !Self.isAlphanumeric(properties)
        case .xdigit:
            return (value >= 0x30 && value <= 0x39) || (value >= 0x41 && value <= 0x46) || (value >= 0x61 && value <= 0x66)
        case .blank: return value == 0x09 || (properties.generalCategory == .spaceSeparator && Self.isSpace(value, properties))
        case .cntrl: return properties.generalCategory == .control
        case .graph: return Self.isPrintable(properties) && !Self.isSpace(value, properties)
        case .print: return Self.isPrintable(properties)
        }
    }

    private static func isPrintable(_ properties: Unicode.Scalar.Properties) -> Bool {
        switch properties.generalCategory {
        case .control, .unassigned, .surrogate, .lineSeparator, .paragraphSeparator: return false
        default: return true
        }
    }

    static func isAlphanumeric(_ properties: Unicode.Scalar.Properties) -> Bool {
        properties.isAlphabetic || properties.generalCategory == .decimalNumber
    }

    private static func isSpace(_ value: UInt32, _ properties: Unicode.Scalar.Properties) -> Bool {
        switch value {
        case 0x00A0, 0x2007, 0x202F, 0x0085: return false
        default: return properties.isWhitespace
        }
    }
}

/// Returns whether a scalar is a word character for `\w` and the word-boundary assertions:
/// a letter, a decimal digit of any script or an underscore.
func isRegexWordCharacter(_ value: UInt32) -> Bool {
    if value < 0x80 {
        return (value >= 0x30 && value <= 0x39) || (value >= 0x41 && value <= 0x5A)
            || (value >= 0x61 && value <= 0x7A) || value == 0x5F
    }
    guard let scalar = Unicode.Scalar(value) else { return false }
    return RegexCharacterProperty.isAlphanumeric(scalar.properties)
}

/// Lowercases one scalar with its single-scalar Unicode mapping.
///
/// A scalar whose lowercase form has several scalars (such as U+0130, capital I with dot)
/// stays as it is, so case-insensitive matching compares one scalar with one scalar.
@inline(__always)
func foldRegexCase(_ value: UInt32) -> UInt32 {
    if value < 0x80 { return value >= 0x41 && value <= 0x5A ? value | 0x20 : value }
    return singleScalarMapping(value, lowercase: true)
}

/// Uppercases one scalar with its single-scalar Unicode mapping, or returns it unchanged.
func uppercaseRegexScalar(_ value: UInt32) -> UInt32 {
    if value < 0x80 { return value >= 0x61 && value <= 0x7A ? value & ~0x20 : value }
    return singleScalarMapping(value, lowercase: false)
}

private func singleScalarMapping(_ value: UInt32, lowercase: Bool) -> UInt32 {
    guard let scalar = Unicode.Scalar(value) else { return value }
    let mapping = lowercase ? scalar.properties.lowercaseMapping : scalar.properties.uppercaseMapping
    let scalars = mapping.unicodeScalars
    guard scalars.count == 1, let first = scalars.first else { return value }
    return first.value
}

/// A set of scalars: a bracket expression or a class escape.
struct RegexCharacterClass: Sendable {
    private var ranges: [ClosedRange<UInt32>] = []
    private var properties: [(property: RegexCharacterProperty, negated: Bool)] = []
    private(set) var negated = false
    private var caseInsensitive = false
    /// The finished membership of each ASCII scalar `v`, as bit `v & 63` of `asciiLow` (below 64)
    /// or `asciiHigh`.
    private var asciiLow: UInt64 = 0
    private var asciiHigh: UInt64 = 0

    init(negated: Bool = false) {
        self.negated = negated
    }

    /// Creates the set of one property, as `\d` or (negated) `\D` writes it.
    init(property: RegexCharacterProperty, negated: Bool) {
        properties.append((property, negated))
    }

    /// Every scalar but the newline, which `.` matches under newline-sensitive matching.
    static var notNewline: RegexCharacterClass {
        var characterClass = RegexCharacterClass(negated: true)
        characterClass.add(0x0A...0x0A)
        return characterClass
    }

    mutating func add(_ range: ClosedRange<UInt32>) { ranges.append(range) }

    mutating func add(_ property: RegexCharacterProperty, negated: Bool = false) {
        properties.append((property, negated))
    }

    /// Adds every member of `other`, which must not be finished or negated as a whole.
    mutating func formUnion(_ other: RegexCharacterClass) {
        precondition(!other.negated, "a class escape inside brackets is never negated as a whole")
        ranges += other.ranges
        properties += other.properties
    }

    /// Precomputes the ASCII map. Call it once, before matching.
    ///
    /// Under case-insensitive matching the text arrives lowercased, so a scalar belongs to
    /// the set when it or its uppercase form is listed: `[A-Z]` then matches `b` too.
    mutating func finish(caseInsensitive: Bool) {
        self.caseInsensitive = caseInsensitive
        asciiLow = 0
        asciiHigh = 0
        for value in UInt32(0)..<128 where slowContains(value) {
            if value < 64 { asciiLow |= 1 << UInt64(value) } else { asciiHigh |= 1 << UInt64(value - 64) }
        }
    }

    /// Returns whether the set contains `value`, which case-insensitive matching has already
    /// lowercased.
    @inline(__always)
    func contains(_ value: UInt32) -> Bool {
        if value < 64 { return asciiLow >> UInt64(value) & 1 != 0 }
        if value < 128 { return asciiHigh >> UInt64(value - 64) & 1 != 0 }
        return slowContains(value)
    }

    private func slowContains(_ value: UInt32) -> Bool {
        var found = listed(value)
        if !found && caseInsensitive {
            let upper = uppercaseRegexScalar(value)
            found = upper != value && listed(upper)
        }
        return found != negated
    }

    private func listed(_ value: UInt32) -> Bool {
        for range in ranges where range.contains(value) { return true }
        for entry in properties where entry.property.contains(value) != entry.negated { return true }
        return false
    }
}
