// A small backtracking matcher for the ECMA-262 regular expressions that JSON Schema
// `pattern` and `patternProperties` use.
//
// Supported: literals, `.`, `^`, `$`, character classes with ranges and negation, the class
// escapes `\d \D \w \W \s \S`, escaped metacharacters, groups `( )` and `(?: )`,
// alternation `|`, and the quantifiers `* + ? {n} {n,} {n,m}` with their lazy forms.
// Backreferences, lookaround and Unicode property escapes are rejected when the schema is
// loaded, so an unsupported pattern never silently matches. Matching works on Unicode
// scalars and, as JSON Schema requires, finds the pattern anywhere unless it is anchored.

import TeleCore

struct SchemaRegex: Sendable {
    indirect enum Node: Sendable {
        case scalar(UInt32)
        /// `.`: any scalar except a line terminator.
        case any
        case set(ranges: [ClosedRange<UInt32>], negated: Bool)
        case lineStart
        case lineEnd
        case group(alternatives: [[Node]])
        case repetition(Node, min: Int, max: Int, greedy: Bool)
    }

    let source: String
    private let alternatives: [[Node]]
    private let anchoredAtStart: Bool

    /// Compiles `pattern`.
    ///
    /// - Throws: `TeleError` 22023 naming the pattern and the unsupported or invalid part.
    init(_ pattern: String) throws {
        source = pattern
        var parser = RegexParser(scalars: pattern.unicodeScalars.map(\.value), pattern: pattern)
        alternatives = try parser.parseAlternatives()
        if parser.index < parser.scalars.count {
            throw parser.error("unmatched ')'")
        }
        anchoredAtStart = alternatives.allSatisfy { sequence in
            if case .lineStart = sequence.first { return true }
            return false
        }
    }

    /// Returns whether the pattern matches somewhere in `bytes` (UTF-8).
    func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.allSatisfy({ $0 < 0x80 }) {
            return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: bytes.count) { buffer in
                for index in bytes.indices { buffer[index] = UInt32(bytes[index]) }
                return search(UnsafeBufferPointer(buffer))
            }
        }
        let scalars = String(decoding: bytes, as: UTF8.self).unicodeScalars.map(\.value)
        return scalars.withUnsafeBufferPointer { search($0) }
    }

    func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { matches($0) }
    }

    // NOTE: an unanchored pattern that starts with an unbounded repetition and fails costs
    // time quadratic in the input length, and a repeated group recurses once per iteration.
    // Single-scalar repetitions such as `.*` or `[0-9]+` run in a loop.
    private func search(_ input: UnsafeBufferPointer<UInt32>) -> Bool {
        let lastStart = anchoredAtStart ? 0 : input.count
        for start in 0...lastStart {
            let matcher = Matcher(input: input)
            if matcher.matchAlternatives(alternatives, start, { _ in true }) { return true }
        }
        return false
    }

    /// Backtracking over the node tree in continuation-passing style: each step calls `next`
    /// with the position after it and returns whether the rest of the pattern matched.
    private struct Matcher {
        let input: UnsafeBufferPointer<UInt32>

        func matchAlternatives(_ alternatives: [[Node]], _ position: Int, _ next: (Int) -> Bool) -> Bool {
            for sequence in alternatives where matchSequence(sequence[...], position, next) { return true }
            return false
        }

        func matchSequence(_ sequence: ArraySlice<Node>, _ position: Int, _ next: (Int) -> Bool) -> Bool {
            guard let first = sequence.first else { return next(position) }
            let rest = sequence.dropFirst()
            return matchNode(first, position) { matchSequence(rest, $0, next) }
        }

        func matchNode(_ node: Node, _ position: Int, _ next: (Int) -> Bool) -> Bool {
            switch node {
            case .scalar(let value):
                return position < input.count && input[position] == value && next(position + 1)
            case .any:
                return position < input.count && !SchemaRegex.isLineTerminator(input[position]) && next(position + 1)
            case .set(let ranges, let negated):
                guard position < input.count else { return false }
                let value = input[position]
                let inSet = ranges.contains { $0.contains(value) }
                return inSet != negated && next(position + 1)
            case .lineStart:
                return position == 0 && next(position)
            case .lineEnd:
                return position == input.count && next(position)
            case .group(let alternatives):
                return matchAlternatives(alternatives, position, next)
            case .repetition(let inner, let min, let max, let greedy):
                return matchRepetition(inner, min: min, max: max, greedy: greedy, count: 0, position, next)
            }
        }

        /// Matches a repetition of a node that always consumes exactly one scalar.
        ///
        /// The run of matching scalars is measured with a loop and the continuation is tried
        /// at each length, so `.*` over a long string does not recurse once per character.
        func matchSingleScalarRepetition(
            _ node: Node, min: Int, max: Int, greedy: Bool, _ position: Int, _ next: (Int) -> Bool
        ) -> Bool {
            var length = 0
            while length < max, position + length < input.count, matchNode(node, position + length, { _ in true }) {
                length += 1
            }
            guard length >= min else { return false }
            if greedy {
                for count in stride(from: length, through: min, by: -1) where next(position + count) { return true }
            } else {
                for count in min...length where next(position + count) { return true }
            }
            return false
        }

        func matchRepetition(
            _ node: Node, min: Int, max: Int, greedy: Bool, count: Int, _ position: Int, _ next: (Int) -> Bool
        ) -> Bool {
            switch node {
            case .scalar, .any, .set:
                if count == 0 {
                    return matchSingleScalarRepetition(node, min: min, max: max, greedy: greedy, position, next)
                }
            default:
                break
            }
            // An iteration that consumes nothing cannot lead anywhere new, so it stops the loop.
            func tryMore() -> Bool {
                count < max
                    && matchNode(node, position) { after in
                        after != position
                            && matchRepetition(node, min: min, max: max, greedy: greedy, count: count + 1, after, next)
                    }
            }
            if count < min {
                return matchNode(node, position) {
                    matchRepetition(node, min: min, max: max, greedy: greedy, count: count + 1, $0, next)
                }
            }
            if greedy { return tryMore() || next(position) }
            return next(position) || tryMore()
        }
    }

    static func isLineTerminator(_ value: UInt32) -> Bool {
        value == 0x0A || value == 0x0D || value == 0x2028 || value == 0x2029
    }
}

/// Parses pattern text into `SchemaRegex.Node`s.
private struct RegexParser {
    typealias Node = SchemaRegex.Node

    let scalars: [UInt32]
    let pattern: String
    var index = 0

    init(scalars: [UInt32], pattern: String) {
        self.scalars = scalars
        self.pattern = pattern
    }

    func error(_ problem: String) -> TeleError {
        TeleError(
            .invalidParameterValue, "unsupported regular expression \"\(pattern)\" in JSON schema: \(problem)",
            hint: "Patterns may use literals, ., ^, $, [classes], \\d \\w \\s, groups, | and quantifiers.")
    }

    mutating func parseAlternatives() throws -> [[Node]] {
        var alternatives: [[Node]] = [try parseSequence()]
        while index < scalars.count, scalars[index] == ascii("|") {
            index += 1
            alternatives.append(try parseSequence())
        }
        return alternatives
    }

    private mutating func parseSequence() throws -> [Node] {
        var sequence: [Node] = []
        while index < scalars.count, scalars[index] != ascii("|"), scalars[index] != ascii(")") {
            var atom = try parseAtom()
            atom = try parseQuantifier(atom)
            sequence.append(atom)
        }
        return sequence
    }

    private mutating func parseAtom() throws -> Node {
        let value = scalars[index]
        index += 1
        switch value {
        case ascii("."): return .any
        case ascii("^"): return .lineStart
        case ascii("$"): return .lineEnd
        case ascii("("):
            if index < scalars.count, scalars[index] == ascii("?") {
                guard index + 1 < scalars.count, scalars[index + 1] == ascii(":") else {
                    throw error("lookaround and named groups are not supported")
                }
                index += 2
            }
            let alternatives = try parseAlternatives()
            guard index < scalars.count, scalars[index] == ascii(")") else { throw error("missing ')'") }
            index += 1
            return .group(alternatives: alternatives)
        case ascii("["): return try parseClass()
        case ascii("\\"): return try parseEscape(inClass: false)
        case ascii("*"), ascii("+"), ascii("?"):
            throw error("quantifier without a preceding item")
        default: return .scalar(value)
        }
    }

    private mutating func parseQuantifier(_ atom: Node) throws -> Node {
        guard index < scalars.count else { return atom }
        var minimum = 0
        var maximum = Int.max
        switch scalars[index] {
        case ascii("*"): index += 1
        case ascii("+"): index += 1; minimum = 1
        case ascii("?"): index += 1; maximum = 1
        case ascii("{"):
            let saved = index
            index += 1
            guard let low = parseNumber() else {
                // ECMA-262 Annex B reads a `{` that starts no valid quantifier as a literal,
                // which `parseAtom` then returns.
                index = saved
                return atom
            }
            minimum = low
            maximum = low
            if index < scalars.count, scalars[index] == ascii(",") {
                index += 1
                maximum = parseNumber() ?? Int.max
            }
            guard index < scalars.count, scalars[index] == ascii("}") else {
                index = saved
                return atom
            }
            index += 1
            guard minimum <= maximum else { throw error("quantifier range {\(minimum),\(maximum)} is out of order") }
        default:
            return atom
        }
        switch atom {
        case .lineStart, .lineEnd: throw error("quantifier after an anchor")
        default: break
        }
        var greedy = true
        if index < scalars.count, scalars[index] == ascii("?") {
            greedy = false
            index += 1
        }
        return .repetition(atom, min: minimum, max: maximum, greedy: greedy)
    }

    private mutating func parseNumber() -> Int? {
        var value = 0
        var digits = 0
        while index < scalars.count, scalars[index] >= ascii("0"), scalars[index] <= ascii("9"), digits < 9 {
            value = value * 10 + Int(scalars[index] - ascii("0"))
            index += 1
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    private mutating func parseClass() throws -> Node {
        var negated = false
        if index < scalars.count, scalars[index] == ascii("^") {
            negated = true
            index += 1
        }
        var ranges: [ClosedRange<UInt32>] = []
        while index < scalars.count, scalars[index] != ascii("]") {
            let low = try parseClassMember()
            guard case .set(let lowRanges, let lowNegated) = low, lowRanges.count == 1, !lowNegated,
                lowRanges[0].lowerBound == lowRanges[0].upperBound,
                index + 1 < scalars.count, scalars[index] == ascii("-"), scalars[index + 1] != ascii("]")
            else {
                ranges += try flatten(low)
                continue
            }
            index += 1
            let high = try parseClassMember()
            guard case .set(let highRanges, false) = high, highRanges.count == 1,
                highRanges[0].lowerBound == highRanges[0].upperBound
            else { throw error("a class escape cannot end a range") }
            let start = lowRanges[0].lowerBound
            let end = highRanges[0].lowerBound
            guard start <= end else { throw error("class range out of order") }
            ranges.append(start...end)
        }
        guard index < scalars.count else { throw error("missing ']'") }
        index += 1
        return .set(ranges: ranges, negated: negated)
    }

    /// Parses one class member, a single scalar or a class escape, as a set.
    private mutating func parseClassMember() throws -> Node {
        let value = scalars[index]
        index += 1
        if value == ascii("\\") { return try parseEscape(inClass: true) }
        return .set(ranges: [value...value], negated: false)
    }

    private func flatten(_ node: Node) throws -> [ClosedRange<UInt32>] {
        guard case .set(let ranges, let negated) = node else { throw error("unexpected item in class") }
        if !negated { return ranges }
        // Complement within the Unicode scalar range.
        var result: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
            next = max(next, range.upperBound + 1)
        }
        if next <= 0x10FFFF { result.append(next...0x10FFFF) }
        return result
    }

    private mutating func parseEscape(inClass: Bool) throws -> Node {
        guard index < scalars.count else { throw error("pattern ends with a backslash") }
        let value = scalars[index]
        index += 1
        let digit: [ClosedRange<UInt32>] = [ascii("0")...ascii("9")]
        let word: [ClosedRange<UInt32>] = [ascii("0")...ascii("9"), ascii("A")...ascii("Z"), ascii("_")...ascii("_"), ascii("a")...ascii("z")]
        let space: [ClosedRange<UInt32>] = [0x09...0x0D, 0x20...0x20, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A, 0x2028...0x2029, 0x202F...0x202F, 0x205F...0x205F, 0x3000...0x3000, 0xFEFF...0xFEFF]
        func single(_ scalar: UInt32) -> Node {
            inClass ? .set(ranges: [scalar...scalar], negated: false) : .scalar(scalar)
        }
        switch value {
        case ascii("d"): return .set(ranges: digit, negated: false)
        case ascii("D"): return .set(ranges: digit, negated: true)
        case ascii("w"): return .set(ranges: word, negated: false)
        case ascii("W"): return .set(ranges: word, negated: true)
        case ascii("s"): return .set(ranges: space, negated: false)
        case ascii("S"): return .set(ranges: space, negated: true)
        case ascii("n"): return single(0x0A)
        case ascii("r"): return single(0x0D)
        case ascii("t"): return single(0x09)
        case ascii("f"): return single(0x0C)
        case ascii("v"): return single(0x0B)
        case ascii("0"): return single(0)
        case ascii("1")...ascii("9"): throw error("backreferences are not supported")
        case ascii("b"), ascii("B"):
            if inClass, value == ascii("b") { return single(0x08) }
            throw error("word boundaries are not supported")
        case ascii("p"), ascii("P"): throw error("Unicode property escapes are not supported")
        case ascii("u"):
            guard index + 4 <= scalars.count else { throw error("expected four hex digits after \\u") }
            var scalar: UInt32 = 0
            for _ in 0..<4 {
                guard let digitValue = JSONEscapes.hexValue(UInt8(truncatingIfNeeded: scalars[index])), scalars[index] < 0x80 else {
                    throw error("expected four hex digits after \\u")
                }
                scalar = scalar << 4 | UInt32(digitValue)
                index += 1
            }
            return single(scalar)
        default:
            let isLetter = (value | 0x20) >= ascii("a") && (value | 0x20) <= ascii("z")
            if isLetter { throw error("unknown escape \\\(Character(Unicode.Scalar(value) ?? "?"))") }
            return single(value)
        }
    }

    private func ascii(_ character: Unicode.Scalar) -> UInt32 { character.value }
}
