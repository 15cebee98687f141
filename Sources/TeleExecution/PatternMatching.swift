// LIKE and ILIKE patterns (with % _ and an escape character) and the regular expression
// operators ~ ~* !~ !~*.
//
// LIKE patterns compile once into a token list and match bytes with the classic greedy
// wildcard algorithm, which backtracks only to the most recent %. `_` matches one UTF-8
// character, not one byte. Regular expressions compile to an NFA (RegexNFA.swift) that
// matches in time linear in the text's length.

import TeleCore

/// A compiled LIKE pattern.
struct LikePattern: Sendable {
    enum Token: Sendable, Equatable {
        case byte(UInt8)
        case anyCharacter
        case anySequence
    }

    let tokens: [Token]

    /// Compiles `pattern` with `escape` (nil for no escape character).
    ///
    /// - Throws: `TeleError` 22025 when the pattern ends with the escape character.
    init(_ pattern: [UInt8], escape: UInt8?) throws {
        var tokens: [Token] = []
        var index = 0
        while index < pattern.count {
            let byte = pattern[index]
            if let escape, byte == escape {
                index += 1
                guard index < pattern.count else {
                    throw TeleError(
                        SQLState("22025"), "LIKE pattern must not end with escape character",
                        hint: "Double the escape character to match it literally.")
                }
                tokens.append(.byte(pattern[index]))
            } else if byte == UInt8(ascii: "%") {
                if tokens.last != .anySequence { tokens.append(.anySequence) }
            } else if byte == UInt8(ascii: "_") {
                tokens.append(.anyCharacter)
            } else {
                tokens.append(.byte(byte))
            }
            index += 1
        }
        self.tokens = tokens
    }

    /// Returns whether `text` matches the whole pattern.
    func matches(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var textIndex = 0
        var tokenIndex = 0
        // Where to resume after the last %: the token after it and the text position.
        var starToken = -1
        var starText = 0
        while textIndex < text.count {
            if tokenIndex < tokens.count {
                switch tokens[tokenIndex] {
                case .byte(let byte) where byte == text[textIndex]:
                    tokenIndex += 1
                    textIndex += 1
                    continue
                case .anyCharacter:
                    tokenIndex += 1
                    textIndex = nextCharacter(text, textIndex)
                    continue
                case .anySequence:
                    starToken = tokenIndex
                    tokenIndex += 1
                    starText = textIndex
                    continue
                default: break
                }
            }
            guard starToken >= 0 else { return false }
            tokenIndex = starToken + 1
            starText = nextCharacter(text, starText)
            textIndex = starText
        }
        while tokenIndex < tokens.count && tokens[tokenIndex] == .anySequence { tokenIndex += 1 }
        return tokenIndex == tokens.count
    }

    private func nextCharacter(_ text: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int {
        var next = index + 1
        while next < text.count && text[next] & 0xC0 == 0x80 { next += 1 }
        return next
    }
}

/// Evaluates `input LIKE pattern` over a vector; the pattern may vary per row.
func likeMatch(_ input: Vector, pattern: Vector, caseInsensitive: Bool, negated: Bool, escape: UInt8?, count: Int)
    throws -> Vector
{
    let negation = bit(negated)
    func prepare(_ text: String) -> String { caseInsensitive ? text.lowercased() : text }

    if case .constant(let patternValue) = pattern.storage {
        guard case .string(let patternText) = patternValue else { return nullVector(.boolean, count: count) }
        let compiled = try LikePattern(Array(prepare(patternText).utf8), escape: escape)
        func test(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt8 {
            if caseInsensitive {
                var lowered = String(decoding: bytes, as: UTF8.self).lowercased()
                return lowered.withUTF8 { bit(compiled.matches($0)) } ^ negation
            }
            return bit(compiled.matches(bytes)) ^ negation
        }
        switch input.storage {
        case .constant(let value):
            guard case .string(var text) = value else { return nullVector(.boolean, count: count) }
            let result = text.withUTF8 { test($0) }
            return Vector.constant(.boolean(result != 0), type: .boolean, count: count)
        case .dictionary(let codes, let dictionary):
            let entries = (0..<dictionary.count).map { dictionary.withBytes($0) { test($0) } }
            let values = codes.prefix(count).map { entries[Int($0)] }
            return Vector(type: .boolean, storage: .bool(values), validity: input.validity, count: count)
        case .string(let column):
            let values = stringRows(column, count: count) { test($0) }
            return Vector(type: .boolean, storage: .bool(values), validity: input.validity, count: count)
        default:
            return nullVector(.boolean, count: count)
        }
    }

    // A pattern that varies per row compiles once per row.
    return try rowKernel([input, pattern], count: count, returnType: .boolean) { values in
        let compiled = try LikePattern(Array(prepare(values[1].stringValue).utf8), escape: escape)
        var text = prepare(values[0].stringValue)
        return .boolean(text.withUTF8 { compiled.matches($0) } != negated)
    }
}

/// Evaluates a regular expression operator (~ ~* !~ !~*) over two string vectors.
///
/// Each distinct pattern compiles once per call into a `RegexNFA`, so matching takes time
/// linear in the text's length. A constant pattern matches the bytes of a string column
/// or of each dictionary entry directly, without building a `String` per row.
func regexMatch(_ arguments: [Vector], count: Int, caseInsensitive: Bool, negated: Bool) throws -> Vector {
    let input = arguments[0]
    let negation = bit(negated)
    // The operators are strict: a NULL text gives NULL without compiling the pattern.
    if input.isNullConstant { return nullVector(.boolean, count: count) }
    if case .constant(let patternValue) = arguments[1].storage {
        guard case .string(let pattern) = patternValue else { return nullVector(.boolean, count: count) }
        var matcher = try RegexNFA(pattern, caseInsensitive: caseInsensitive).makeMatcher()
        switch input.storage {
        case .constant(let value):
            guard case .string(var text) = value else { return nullVector(.boolean, count: count) }
            let found = try text.withUTF8 { try matcher.matches($0) }
            return Vector.constant(.boolean(found != negated), type: .boolean, count: count)
        case .dictionary(let codes, let dictionary):
            // Matching each entry once pays off only when there are no more entries than rows.
            let values: [UInt8]
            if dictionary.count <= count {
                let entries = try (0..<dictionary.count).map { entry in
                    try dictionary.withBytes(entry) { bit(try matcher.matches($0)) ^ negation }
                }
                values = codes.prefix(count).map { entries[Int($0)] }
            } else {
                values = try codes.prefix(count).map { code in
                    try dictionary.withBytes(Int(code)) { bit(try matcher.matches($0)) ^ negation }
                }
            }
            return Vector(type: .boolean, storage: .bool(values), validity: input.validity, count: count)
        case .string(let column):
            let values = try matchRows(column, count: count, matcher: &matcher, negation: negation)
            return Vector(type: .boolean, storage: .bool(values), validity: input.validity, count: count)
        default:
            break
        }
    }

    // A pattern that varies per row compiles once per distinct pattern in this call. The
    // cache is emptied when its NFAs pass `maximumCachedStates` in total, so many large
    // distinct patterns cannot hold gigabytes at once.
    let maximumCachedStates = 10 * RegexNFA.maximumStates
    var matchers: [String: RegexMatcher] = [:]
    var cachedStates = 0
    return try rowKernel(arguments, count: count, returnType: .boolean) { values in
        let pattern = values[1].stringValue

        // Taking the matcher out of the dictionary keeps its buffers uniquely referenced.
        var matcher: RegexMatcher
        if let cached = matchers.removeValue(forKey: pattern) {
            matcher = cached
        } else {
            matcher = try RegexNFA(pattern, caseInsensitive: caseInsensitive).makeMatcher()
            if cachedStates + matcher.nfa.instructions.count > maximumCachedStates {
                matchers.removeAll()
                cachedStates = 0
            }
            cachedStates += matcher.nfa.instructions.count
        }
        defer { matchers[pattern] = matcher }
        var text = values[0].stringValue
        let found = try text.withUTF8 { try matcher.matches($0) }
        return .boolean(found != negated)
    }
}

/// Matches every row of a string column. NULL rows get whatever their bytes give, hidden
/// by the validity mask.
private func matchRows(_ column: StringColumn, count: Int, matcher: inout RegexMatcher, negation: UInt8) throws
    -> [UInt8]
{
    try column.bytes.withUnsafeBufferPointer { bytes in
        try column.offsets.withUnsafeBufferPointer { offsets in
            var values = [UInt8](repeating: 0, count: count)
            for row in 0..<count {
                let text = UnsafeBufferPointer(rebasing: bytes[Int(offsets[row])..<Int(offsets[row + 1])])
                values[row] = bit(try matcher.matches(text)) ^ negation
            }
            return values
        }
    }
}
