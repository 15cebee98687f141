// The parser of regular expressions for ~ ~* !~ !~*: pattern text to a `RegexNode` tree.
//
// It reads the subset of PostgreSQL's advanced regular expressions (AREs) that a matcher
// without backtracking can run. That subset has literals, `.`, anchors, alternation, groups,
// greedy and lazy quantifiers with bounds up to 255, and bracket expressions with POSIX
// classes. It also has class escapes, word-boundary escapes, the `***=` literal prefix and
// leading options such as `(?i)`. As in AREs, `\b` is a backspace, not a word boundary.
// Backreferences and lookaround raise 0A000 because this matcher cannot run them without
// backtracking. As in PostgreSQL's default mode, `.` and negated brackets match a newline,
// and `^` and `$` anchor only at the start and end of the text, unless a leading `(?n)`,
// `(?p)` or `(?w)` turns on newline-sensitive matching.

import TeleCore

/// One node of a parsed regular expression.
indirect enum RegexNode: Sendable {
    case empty
    /// One scalar, lowercased already under case-insensitive matching.
    case character(UInt32)
    case anyCharacter
    case characterClass(RegexCharacterClass)
    case assertion(RegexAssertion)
    case concatenation([RegexNode])
    case alternation([RegexNode])
    /// `maximum` nil is unbounded. Lazy quantifiers parse to the same node because they
    /// change which match is found, never whether one exists.
    case repetition(RegexNode, minimum: Int, maximum: Int?)
}

/// A zero-width test between the previous and the next scalar.
enum RegexAssertion: UInt32, Sendable {
    case textStart, textEnd, wordStart, wordEnd, wordBoundary, notWordBoundary
    /// `^` and `$` under newline-sensitive matching: at the text's ends or next to a newline.
    case lineStart, lineEnd
}

/// The largest repetition count in a bound, PostgreSQL's `DUPMAX` (src/include/regex/regguts.h).
let regexMaximumRepetition = 255

/// Parses a pattern into a `RegexNode` tree.
struct RegexParser {
    /// The deepest group nesting accepted, which keeps the recursive parser and compiler far
    /// from the end of a thread's stack.
    static let maximumNestingDepth = 100

    private let pattern: String
    private var scalars: [UInt32]
    private var index = 0
    private var depth = 0
    private(set) var caseInsensitive: Bool
    /// Set by the `n` or `p` option: `.` and negated brackets do not match a newline.
    private var newlineExcluded = false
    /// Set by the `n` or `w` option: `^` and `$` also match after and before a newline.
    private var lineAnchors = false

    init(_ pattern: String, caseInsensitive: Bool) {
        self.pattern = pattern
        self.scalars = pattern.unicodeScalars.map(\.value)
        self.caseInsensitive = caseInsensitive
    }

    /// Parses the whole pattern.
    ///
    /// - Throws: `TeleError` 2201B for an invalid pattern, 0A000 for backreferences,
    ///   lookaround and unsupported options.
    mutating func parse() throws -> RegexNode {
        if let literal = try parseDirectorPrefix() { return literal }
        try parseLeadingOptions()
        let node = try parseAlternation()
        if index < scalars.count {
            throw invalid("parentheses () not balanced", hint: "Remove the unmatched \")\" or escape it as \"\\)\".")
        }
        return node
    }

    // MARK: - Structure

    private mutating func parseAlternation() throws -> RegexNode {
        var branches = [try parseBranch()]
        while peek() == "|" {
            index += 1
            branches.append(try parseBranch())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseBranch() throws -> RegexNode {
        var items: [RegexNode] = []
        while let next = peek(), next != "|", next != ")" {
            // A bare assertion takes no quantifier, but a group around one does, as in (^)?.
            let isGroup = next == "("
            let atom = try parseAtom()
            items.append(try parseQuantifiers(on: atom, isGroup: isGroup))
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .concatenation(items)
        }
    }

    private mutating func parseAtom() throws -> RegexNode {
        let scalar = scalars[index]
        index += 1
        switch scalar {
        case ascii("("): return try parseGroup()
        case ascii("["): return .characterClass(try parseBracketExpression())
        case ascii("."): return newlineExcluded ? .characterClass(RegexCharacterClass.notNewline) : .anyCharacter
        case ascii("^"): return .assertion(lineAnchors ? .lineStart : .textStart)
        case ascii("$"): return .assertion(lineAnchors ? .lineEnd : .textEnd)
        case ascii("\\"): return try parseEscape()
        case ascii("*"), ascii("+"), ascii("?"):
            throw quantifierOperandInvalid()
        case ascii("{") where isDigit(peekScalar()):
            throw quantifierOperandInvalid()
        default:
            return literal(scalar)
        }
    }

    private mutating func parseGroup() throws -> RegexNode {
        if peek() == "?" {
            index += 1
            switch peek() {
            case ":":
                index += 1
            case "=", "!", "<":
                throw unsupported(
                    "lookaround in regular expressions is not supported",
                    hint: "Rewrite the pattern without (?= (?! (?<= or (?<!, or test the condition with a second ~.")
            default:
                throw quantifierOperandInvalid()
            }
        }
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumNestingDepth else {
            throw tooComplex(hint: "Nest at most \(Self.maximumNestingDepth) groups.")
        }
        let inner = try parseAlternation()
        guard peek() == ")" else {
            throw invalid("parentheses () not balanced", hint: "Close each \"(\" with \")\" or escape it as \"\\(\".")
        }
        index += 1
        return inner
    }

    // MARK: - Quantifiers

    private mutating func parseQuantifiers(on atom: RegexNode, isGroup: Bool) throws -> RegexNode {
        guard let bounds = try parseQuantifier() else { return atom }
        if case .assertion = atom, !isGroup { throw quantifierOperandInvalid() }

        // A trailing ? makes the quantifier lazy, which cannot change whether a match exists.
        if peek() == "?" { index += 1 }
        // A second quantifier, as in a** or a{2}{3}, is an error as in PostgreSQL.
        if isAtQuantifier() { throw quantifierOperandInvalid() }
        return .repetition(atom, minimum: bounds.minimum, maximum: bounds.maximum)
    }

    private func isAtQuantifier() -> Bool {
        guard let next = peek() else { return false }
        return next == "*" || next == "+" || next == "?" || (next == "{" && isDigit(scalar(at: index + 1)))
    }

    private mutating func parseQuantifier() throws -> (minimum: Int, maximum: Int?)? {
        switch peek() {
        case "*":
            index += 1
            return (0, nil)
        case "+":
            index += 1
            return (1, nil)
        case "?":
            index += 1
            return (0, 1)
        case "{" where isDigit(scalar(at: index + 1)):
            index += 1
            return try parseBound()
        default:
            return nil
        }
    }

    /// Parses `m}`, `m,}` or `m,n}` after the opening brace.
    private mutating func parseBound() throws -> (minimum: Int, maximum: Int?) {
        let minimum = try parseCount()
        var maximum: Int? = minimum
        if peek() == "," {
            index += 1
            maximum = isDigit(peekScalar()) ? try parseCount() : nil
        }
        guard peek() == "}" else {
            throw invalid("braces {} not balanced", hint: "Write a bound as {m}, {m,} or {m,n}.")
        }
        index += 1
        if let maximum, maximum < minimum {
            throw invalid("invalid repetition count(s)", hint: "Put the smaller count first in {m,n}.")
        }
        return (minimum, maximum)
    }

    private mutating func parseCount() throws -> Int {
        var count = 0
        while isDigit(peekScalar()) {
            count = count * 10 + Int(scalars[index] - 0x30)
            index += 1
            if count > regexMaximumRepetition {
                throw invalid(
                    "invalid repetition count(s)",
                    hint: "Use repetition counts of at most \(regexMaximumRepetition).")
            }
        }
        return count
    }

    // MARK: - Escapes

    private mutating func parseEscape() throws -> RegexNode {
        guard index < scalars.count else {
            throw invalid("invalid escape \\ sequence", hint: "Double a trailing backslash to match it literally.")
        }
        let scalar = scalars[index]
        index += 1
        switch scalar {
        case ascii("A"): return .assertion(.textStart)
        case ascii("Z"): return .assertion(.textEnd)
        case ascii("m"): return .assertion(.wordStart)
        case ascii("M"): return .assertion(.wordEnd)
        case ascii("y"): return .assertion(.wordBoundary)
        case ascii("Y"): return .assertion(.notWordBoundary)
        default: break
        }
        if let characterClass = classEscape(scalar) { return .characterClass(characterClass) }
        return literal(try characterEscape(scalar))
    }

    /// Returns the set for `\d \D \w \W \s \S`, or nil for any other escape.
    private func classEscape(_ scalar: UInt32) -> RegexCharacterClass? {
        switch scalar {
        case ascii("d"): return RegexCharacterClass(property: .digit, negated: false)
        case ascii("D"): return RegexCharacterClass(property: .digit, negated: true)
        case ascii("w"): return RegexCharacterClass(property: .word, negated: false)
        case ascii("W"): return RegexCharacterClass(property: .word, negated: true)
        case ascii("s"): return RegexCharacterClass(property: .space, negated: false)
        case ascii("S"): return RegexCharacterClass(property: .space, negated: true)
        default: return nil
        }
    }

    /// Returns the scalar an escape stands for, after the backslash and `scalar` were read.
    private mutating func characterEscape(_ scalar: UInt32) throws -> UInt32 {
        switch scalar {
        case ascii("a"): return 0x07
        case ascii("b"): return 0x08
        case ascii("e"): return 0x1B
        case ascii("f"): return 0x0C
        case ascii("n"): return 0x0A
        case ascii("r"): return 0x0D
        case ascii("t"): return 0x09
        case ascii("v"): return 0x0B
        // \B stands for a backslash, so a pattern can avoid doubled backslashes.
        case ascii("B"): return 0x5C
        case ascii("0"): return 0
        case ascii("x"): return try parseHexEscape(maximumDigits: 8, exactly: false)
        case ascii("u"): return try parseHexEscape(maximumDigits: 4, exactly: true)
        case ascii("U"): return try parseHexEscape(maximumDigits: 8, exactly: true)
        case ascii("1")...ascii("9"):
            throw unsupported(
                "backreferences in regular expressions are not supported",
                hint: "Rewrite the pattern without \\\(Character(Unicode.Scalar(UInt8(scalar)))), for example by "
                    + "spelling out the repeated text.")
        default:
            let isAlphanumeric = scalar < 0x80 && RegexCharacterProperty.alnum.contains(scalar)
            if isAlphanumeric {
                throw invalid(
                    "invalid escape \\ sequence",
                    hint: "Escape only punctuation, or use one of \\d \\w \\s \\n \\t \\m \\M \\y.")
            }
            return scalar
        }
    }

    private mutating func parseHexEscape(maximumDigits: Int, exactly: Bool) throws -> UInt32 {
        var value: UInt32 = 0
        var digits = 0
        while digits < maximumDigits, let digit = hexDigitValue(peekScalar()) {
            value = value &* 16 &+ digit
            digits += 1
            index += 1
        }
        guard digits > 0, !exactly || digits == maximumDigits, Unicode.Scalar(value) != nil else {
            throw invalid("invalid escape \\ sequence", hint: "Write a code point as \\xhh, \\uhhhh or \\Uhhhhhhhh.")
        }
        return value
    }

    // MARK: - Bracket expressions

    private mutating func parseBracketExpression() throws -> RegexCharacterClass {
        var characterClass = RegexCharacterClass(negated: peek() == "^")
        if characterClass.negated { index += 1 }
        // Listing the newline in a negated set keeps it out of the matches.
        if characterClass.negated && newlineExcluded { characterClass.add(0x0A...0x0A) }

        // A "]" right after "[" or "[^" is a literal, not the end.
        var first = true
        while true {
            guard let scalar = peekScalar() else { throw bracketsNotBalanced() }
            if scalar == ascii("]") && !first {
                index += 1
                return characterClass
            }
            first = false
            try parseBracketItem(into: &characterClass)
        }
    }

    private mutating func parseBracketItem(into characterClass: inout RegexCharacterClass) throws {
        if peek() == "[", let kind = peekScalar(offset: 1), kind == ascii(":") {
            index += 2
            let name = try readBracketName(closing: ascii(":"))
            guard let property = RegexCharacterProperty(className: name) else {
                throw invalid(
                    "invalid character class \"\(name)\"",
                    hint: "Use one of alpha, digit, alnum, word, space, upper, lower, punct, xdigit, blank, "
                        + "cntrl, graph, print.")
            }
            characterClass.add(property)
            return
        }
        if peek() == "\\", let escaped = peekScalar(offset: 1), let escapeClass = classEscape(escaped) {
            index += 2
            characterClass.formUnion(escapeClass)
            return
        }

        let low = try readBracketScalar()
        if peek() == "-", let after = peekScalar(offset: 1), after != ascii("]") {
            index += 1
            let high = try readBracketScalar()
            guard low <= high else {
                throw invalid("invalid character range", hint: "Put the lower end of a range first, as in [a-z].")
            }
            characterClass.add(low...high)
        } else {
            characterClass.add(low...low)
        }
    }

    /// Reads one scalar of a bracket expression: a plain scalar, an escape, or a collating
    /// element `[.c.]` or equivalence class `[=c=]` of one scalar.
    private mutating func readBracketScalar() throws -> UInt32 {
        guard let scalar = peekScalar() else { throw bracketsNotBalanced() }
        index += 1
        if scalar == ascii("\\") {
            guard let escaped = peekScalar() else { throw bracketsNotBalanced() }
            index += 1
            return try characterEscape(escaped)
        }
        if scalar == ascii("["), let kind = peekScalar(), kind == ascii(".") || kind == ascii("=") {
            index += 1
            let name = try readBracketName(closing: kind)
            let nameScalars = Array(name.unicodeScalars)
            guard nameScalars.count == 1 else {
                throw invalid(
                    "invalid collating element \"\(name)\"",
                    hint: "Write one character inside [. .] or [= =].")
            }
            return nameScalars[0].value
        }
        return scalar
    }

    /// Reads the name of `[:name:]`, `[.name.]` or `[=name=]` up to `closing` and "]".
    private mutating func readBracketName(closing: UInt32) throws -> String {
        var name = String.UnicodeScalarView()
        while let scalar = peekScalar() {
            if scalar == closing, peekScalar(offset: 1) == ascii("]") {
                index += 2
                return String(name)
            }
            if let unicodeScalar = Unicode.Scalar(scalar) { name.append(unicodeScalar) }
            index += 1
        }
        throw bracketsNotBalanced()
    }

    // MARK: - Prefixes

    /// Handles the `***=` prefix (the rest is literal text) and skips `***:`.
    private mutating func parseDirectorPrefix() throws -> RegexNode? {
        guard scalars.count >= 4, scalars[0...2].allSatisfy({ $0 == ascii("*") }) else { return nil }
        switch scalars[3] {
        case ascii("="):
            return .concatenation(scalars[4...].map { literal($0) })
        case ascii(":"):
            index = 4
            return nil
        default:
            throw invalid("invalid director \"***\"", hint: "Start a pattern with ***= for literal text or ***: for an ARE.")
        }
    }

    /// Applies embedded options at the pattern's start, as `(?i)` for case-insensitive.
    private mutating func parseLeadingOptions() throws {
        guard peek() == "(", peekScalar(offset: 1) == ascii("?"),
            let letter = peekScalar(offset: 2), isAlpha(letter)
        else { return }
        index += 2
        while let option = peekScalar(), option != ascii(")") {
            switch option {
            case ascii("i"): caseInsensitive = true
            case ascii("c"): caseInsensitive = false
            case ascii("t"): break
            case ascii("s"): (newlineExcluded, lineAnchors) = (false, false)
            case ascii("n"): (newlineExcluded, lineAnchors) = (true, true)
            case ascii("p"): (newlineExcluded, lineAnchors) = (true, false)
            case ascii("w"): (newlineExcluded, lineAnchors) = (false, true)
            default:
                let name = Character(Unicode.Scalar(option) ?? "?")
                throw unsupported(
                    "regular expression option \"\(name)\" is not supported",
                    hint: "Use only the options i, c, n, p, s, t and w.")
            }
            index += 1
        }
        guard peek() == ")" else {
            throw invalid("parentheses () not balanced", hint: "Close the options with \")\", as in (?i).")
        }
        index += 1
    }

    // MARK: - Helpers

    private func literal(_ scalar: UInt32) -> RegexNode {
        .character(caseInsensitive ? foldRegexCase(scalar) : scalar)
    }

    private func peek() -> Character? {
        guard index < scalars.count, let scalar = Unicode.Scalar(scalars[index]) else { return nil }
        return Character(scalar)
    }

    private func peekScalar(offset: Int = 0) -> UInt32? { scalar(at: index + offset) }

    private func scalar(at position: Int) -> UInt32? { position < scalars.count ? scalars[position] : nil }

    private func isDigit(_ scalar: UInt32?) -> Bool {
        guard let scalar else { return false }
        return scalar >= 0x30 && scalar <= 0x39
    }

    private func isAlpha(_ scalar: UInt32) -> Bool { (scalar | 0x20) >= 0x61 && (scalar | 0x20) <= 0x7A }

    private func hexDigitValue(_ scalar: UInt32?) -> UInt32? {
        guard let scalar else { return nil }
        switch scalar {
        case 0x30...0x39: return scalar - 0x30
        case 0x41...0x46: return scalar - 0x41 + 10
        case 0x61...0x66: return scalar - 0x61 + 10
        default: return nil
        }
    }

    // MARK: - Errors

    private var quotedPattern: String {
        let shortened = pattern.unicodeScalars.count > 60 ? String(pattern.unicodeScalars.prefix(60)) + "..." : pattern
        return "\"\(shortened)\""
    }

    private func invalid(_ problem: String, hint: String) -> TeleError {
        TeleError(
            SQLState("2201B"), "invalid regular expression: \(problem)",
            detail: "The pattern is \(quotedPattern). The error is at character \(index).", hint: hint)
    }

    private func quantifierOperandInvalid() -> TeleError {
        invalid("quantifier operand invalid", hint: "Put *, +, ? or {m,n} after a character or group, or escape it.")
    }

    private func bracketsNotBalanced() -> TeleError {
        invalid("brackets [] not balanced", hint: "Close each \"[\" with \"]\" or escape it as \"\\[\".")
    }

    private func tooComplex(hint: String) -> TeleError {
        TeleError(
            SQLState("2201B"), "regular expression is too complex", detail: "The pattern is \(quotedPattern).",
            hint: hint)
    }

    private func unsupported(_ message: String, hint: String) -> TeleError {
        TeleError(
            SQLState("0A000"), message,
            detail: "The pattern is \(quotedPattern). Matching stays linear in the text's length only without "
                + "backtracking.",
            hint: hint)
    }
}

/// Returns the code point of an ASCII character literal.
@inline(__always)
private func ascii(_ character: Unicode.Scalar) -> UInt32 { character.value }
