// A regular expression compiled to a nondeterministic finite automaton (NFA) with
// Thompson's construction.
//
// Counted repetitions are expanded into copies of their operand, and the NFA size is capped
// so a pattern cannot allocate without bound. RegexMatcher.swift runs the NFA.

import TeleCore

/// One NFA state. Consuming states (character, any character, class) go on to `next`.
struct RegexInstruction: Sendable {
    enum Opcode: UInt8, Sendable {
        case character, anyCharacter, characterClass
        /// Epsilon moves to both `next` and `alternative`.
        case split
        case jump
        /// A zero-width test, `operand` being a `RegexAssertion` raw value.
        case assertion
        case match
    }

    var opcode: Opcode
    /// The scalar of `.character`, the class index of `.characterClass`, the assertion kind.
    var operand: UInt32 = 0
    var next: Int32 = 0
    var alternative: Int32 = 0
}

/// A compiled regular expression.
struct RegexNFA: Sendable {
    /// The largest NFA accepted. A bound expands into one copy of its operand per count, so
    /// `(a{200}){200}` would need 40,000 states and three such levels 8 million.
    static let maximumStates = 100_000

    let instructions: [RegexInstruction]
    let classes: [RegexCharacterClass]
    let caseInsensitive: Bool
    /// True when every match must start at the text's start, so the start state is added
    /// only there.
    let anchoredAtStart: Bool
    /// The bytes at which a match can start, indexed by byte value, or nil when any position
    /// can start one. Every byte from 0x80 up is included, so a skip never lands inside a
    /// UTF-8 sequence and non-ASCII text (which may fold to an ASCII letter) is never skipped.
    let firstBytes: [Bool]?

    /// Parses and compiles `pattern`. With `caseInsensitive` the pattern and the text are
    /// folded to lowercase, unless a leading `(?c)` in the pattern turns that off.
    /// A leading `(?i)` turns it on.
    ///
    /// - Throws: `TeleError` 2201B for an invalid or too complex pattern, 0A000 for
    ///   backreferences, lookaround and unsupported options.
    init(_ pattern: String, caseInsensitive: Bool) throws {
        var parser = RegexParser(pattern, caseInsensitive: caseInsensitive)
        let tree = try parser.parse()
        self.caseInsensitive = parser.caseInsensitive

        let size = RegexCompiler.stateCount(tree)
        guard size <= Self.maximumStates else {
            throw TeleError(
                SQLState("2201B"), "regular expression is too complex",
                detail: "The pattern \"\(pattern.prefix(60))\" needs more than \(Self.maximumStates) NFA states, "
                    + "because each repetition count copies its operand.",
                hint: "Use smaller repetition counts, or replace a bound such as {1,200} with + where the "
                    + "exact count does not matter.")
        }
        var compiler = RegexCompiler(caseInsensitive: parser.caseInsensitive)
        compiler.emit(tree)
        compiler.append(RegexInstruction(opcode: .match))
        self.instructions = compiler.instructions
        self.classes = compiler.classes
        self.anchoredAtStart = RegexCompiler.isAnchoredAtStart(tree)
        self.firstBytes = RegexNFA.firstBytes(compiler.instructions, compiler.classes, parser.caseInsensitive)
    }

    /// Computes `firstBytes` from the states reachable from the start without consuming,
    /// taking every assertion as true so the set can only be too large.
    private static func firstBytes(_ instructions: [RegexInstruction], _ classes: [RegexCharacterClass], _ caseInsensitive: Bool)
        -> [Bool]?
    {
        var bytes = [Bool](repeating: false, count: 256)
        for byte in 0x80..<256 { bytes[byte] = true }
        var visited = [Bool](repeating: false, count: instructions.count)
        var stack: [Int32] = [0]
        while let state = stack.popLast() {
            guard !visited[Int(state)] else { continue }
            visited[Int(state)] = true
            let instruction = instructions[Int(state)]
            switch instruction.opcode {
            case .match, .anyCharacter:
                return nil
            case .jump, .assertion:
                stack.append(instruction.next)
            case .split:
                stack.append(instruction.next)
                stack.append(instruction.alternative)
            case .character:
                for byte in 0..<128 where characterFolded(UInt32(byte), caseInsensitive) == instruction.operand {
                    bytes[byte] = true
                }
            case .characterClass:
                let characterClass = classes[Int(instruction.operand)]
                for byte in 0..<128 where characterClass.contains(characterFolded(UInt32(byte), caseInsensitive)) {
                    bytes[byte] = true
                }
            }
        }
        return bytes
    }

    private static func characterFolded(_ value: UInt32, _ caseInsensitive: Bool) -> UInt32 {
        caseInsensitive ? foldRegexCase(value) : value
    }

    /// Returns a matcher with its own scratch space, to reuse across many texts.
    func makeMatcher() -> RegexMatcher { RegexMatcher(self) }
}

/// Turns a `RegexNode` tree into instructions with Thompson's construction.
private struct RegexCompiler {
    var instructions: [RegexInstruction] = []
    var classes: [RegexCharacterClass] = []
    let caseInsensitive: Bool

    init(caseInsensitive: Bool) {
        self.caseInsensitive = caseInsensitive
    }

    /// Returns how many instructions `emit` writes for `node`, saturating above the cap so
    /// the count itself cannot overflow.
    static func stateCount(_ node: RegexNode) -> Int {
        let cap = RegexNFA.maximumStates + 1
        switch node {
        case .empty: return 0
        case .character, .anyCharacter, .characterClass, .assertion: return 1
        case .concatenation(let items):
            return min(cap, items.reduce(0) { min(cap, $0 + stateCount($1)) })
        case .alternation(let branches):
            return min(cap, branches.reduce(0) { min(cap, $0 + stateCount($1) + 2) })
        case .repetition(let body, let minimum, let maximum):
            let bodyCount = stateCount(body)
            let copies = maximum ?? max(minimum, 1)
            let extra = maximum == nil ? 2 : (maximum! - minimum)
            return min(cap, bodyCount * copies + extra)
        }
    }

    /// Returns whether every path through `node` starts with the `^` assertion.
    static func isAnchoredAtStart(_ node: RegexNode) -> Bool {
        switch node {
        case .assertion(let assertion): return assertion == .textStart
        case .concatenation(let items): return items.first.map(isAnchoredAtStart) ?? false
        case .alternation(let branches): return branches.allSatisfy(isAnchoredAtStart)
        case .repetition(let body, let minimum, _): return minimum > 0 && isAnchoredAtStart(body)
        default: return false
        }
    }

    mutating func append(_ instruction: RegexInstruction) {
        instructions.append(instruction)
    }

    private var nextIndex: Int32 { Int32(instructions.count) }

    /// Appends the instructions for `node`. Control leaves them at the next index appended.
    mutating func emit(_ node: RegexNode) {
        switch node {
        case .empty:
            break
        case .character(let scalar):
            append(RegexInstruction(opcode: .character, operand: scalar, next: nextIndex + 1))
        case .anyCharacter:
            append(RegexInstruction(opcode: .anyCharacter, next: nextIndex + 1))
        case .characterClass(var characterClass):
            characterClass.finish(caseInsensitive: caseInsensitive)
            classes.append(characterClass)
            append(RegexInstruction(opcode: .characterClass, operand: UInt32(classes.count - 1), next: nextIndex + 1))
        case .assertion(let assertion):
            append(RegexInstruction(opcode: .assertion, operand: assertion.rawValue, next: nextIndex + 1))
        case .concatenation(let items):
            for item in items { emit(item) }
        case .alternation(let branches):
            emitAlternation(branches)
        case .repetition(let body, let minimum, let maximum):
            emitRepetition(body, minimum: minimum, maximum: maximum)
        }
    }

    /// Emits `split L1, L2; L1: first; jump End; L2: rest...; End:`.
    private mutating func emitAlternation(_ branches: [RegexNode]) {
        var jumps: [Int] = []
        for (position, branch) in branches.enumerated() {
            let isLast = position == branches.count - 1
            let split = instructions.count
            if !isLast { append(RegexInstruction(opcode: .split, next: nextIndex + 1)) }
            emit(branch)
            if !isLast {
                jumps.append(instructions.count)
                append(RegexInstruction(opcode: .jump))
                instructions[split].alternative = nextIndex
            }
        }
        for jump in jumps { instructions[jump].next = nextIndex }
    }

    private mutating func emitRepetition(_ body: RegexNode, minimum: Int, maximum: Int?) {
        guard let maximum else {
            // e{m,}: m - 1 plain copies, then e+ (which is e* when m is 0).
            for _ in 0..<max(minimum - 1, 0) { emit(body) }
            if minimum == 0 { emitStar(body) } else { emitPlus(body) }
            return
        }
        for _ in 0..<minimum { emit(body) }

        // e{m,n}: the optional copies nest, as (e(e(e)?)?)?, so each split exits to the end.
        var splits: [Int] = []
        for _ in 0..<(maximum - minimum) {
            splits.append(instructions.count)
            append(RegexInstruction(opcode: .split, next: nextIndex + 1))
            emit(body)
        }
        for split in splits { instructions[split].alternative = nextIndex }
    }

    /// Emits `L1: split L2, End; L2: e; jump L1; End:`.
    private mutating func emitStar(_ body: RegexNode) {
        let split = instructions.count
        append(RegexInstruction(opcode: .split, next: nextIndex + 1))
        emit(body)
        append(RegexInstruction(opcode: .jump, next: Int32(split)))
        instructions[split].alternative = nextIndex
    }

    /// Emits `L1: e; split L1, End; End:`.
    private mutating func emitPlus(_ body: RegexNode) {
        let start = Int32(instructions.count)
        emit(body)
        append(RegexInstruction(opcode: .split, next: start, alternative: nextIndex + 1))
    }
}
