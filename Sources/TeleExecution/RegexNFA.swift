// A regular expression compiled to a nondeterministic finite automaton (NFA), and the
// matcher that decides whether the pattern matches anywhere in a text.
//
// The matcher simulates the NFA with a set of active states, Thompson's construction run as
// a Pike VM without capture groups: each text scalar advances every active state at once,
// and a state already in the set is never added twice. One match therefore costs at most
// (text scalars + 1) x (NFA states) steps and never backtracks, so nested quantifiers such
// as `^(a+)+b$` stay linear in the text's length. Counted repetitions are expanded into
// copies of their operand, and the NFA size is capped so a pattern cannot allocate without
// bound.

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

/// Matches texts against one `RegexNFA`, reusing its state lists from text to text.
///
/// A matcher is not shared between threads: each caller makes its own with
/// `RegexNFA.makeMatcher()`.
struct RegexMatcher {
    /// How many state steps run between two polls of `Interruption.check()`, which costs a
    /// thread-dictionary lookup, so a cancel stops even one long match.
    static let stepsBetweenCancellationChecks = 1 << 20

    /// The scalar value that stands for "no scalar" before the text's start and after its end.
    private static let noScalar = UInt32.max

    let nfa: RegexNFA
    /// `marks[state] == generation` when the state is already in the list being built.
    private var marks: [UInt32]
    private var generation: UInt32 = 0
    private var current: [Int32] = []
    private var following: [Int32] = []
    private var stack: [Int32] = []
    private var stepsSinceCheck = 0

    init(_ nfa: RegexNFA) {
        self.nfa = nfa
        self.marks = [UInt32](repeating: 0, count: nfa.instructions.count)
    }

    /// Returns whether the pattern matches anywhere in `text`, a UTF-8 string.
    ///
    /// Bytes that are not valid UTF-8 each read as U+FFFD.
    ///
    /// - Throws: The cancellation error when the running query is cancelled mid-match.
    /// - Complexity: O(n x m) for n scalars of text and m NFA states.
    mutating func matches(_ text: UnsafeBufferPointer<UInt8>) throws -> Bool {
        // The lists move into locals so the helpers can take them inout while `self` changes.
        var marks: [UInt32] = []
        var current: [Int32] = []
        var following: [Int32] = []
        var stack: [Int32] = []
        swap(&marks, &self.marks)
        swap(&current, &self.current)
        swap(&following, &self.following)
        swap(&stack, &self.stack)
        defer {
            swap(&marks, &self.marks)
            swap(&current, &self.current)
            swap(&following, &self.following)
            swap(&stack, &self.stack)
        }

        // A local copy of the instruction array keeps the buffer borrow apart from `self`.
        let instructionArray = nfa.instructions
        return try instructionArray.withUnsafeBufferPointer { instructions in
            try marks.withUnsafeMutableBufferPointer { marks in
                try run(text, instructions, marks, &current, &following, &stack)
            }
        }
    }

    /// Runs the simulation over `text`, with the state lists passed in as locals.
    private mutating func run(
        _ text: UnsafeBufferPointer<UInt8>, _ instructions: UnsafeBufferPointer<RegexInstruction>,
        _ marks: UnsafeMutableBufferPointer<UInt32>, _ current: inout [Int32], _ following: inout [Int32],
        _ stack: inout [Int32]
    ) throws -> Bool {
        let firstBytes = nfa.firstBytes
        current.removeAll(keepingCapacity: true)
        advanceGeneration(marks)
        var position = 0
        var previous = Self.noScalar
        var (scalar, length) = Self.decode(text, at: 0)
        while true {
            // With no state active, skip to the next byte that can start a match.
            if current.isEmpty, let firstBytes, position < text.count, !firstBytes[Int(text[position])] {
                repeat { position += 1 } while position < text.count && !firstBytes[Int(text[position])]
                previous = Self.decode(text, before: position)
                (scalar, length) = Self.decode(text, at: position)
            }

            // A match may start at any position unless the pattern begins with ^.
            if !nfa.anchoredAtStart || position == 0 {
                let context = (previous, scalar)
                if Self.addState(0, instructions, context, marks, generation, &current, &stack) { return true }
            }
            if current.isEmpty && nfa.anchoredAtStart { return false }
            guard position < text.count else { return false }

            let folded = nfa.caseInsensitive ? foldRegexCase(scalar) : scalar
            let nextPosition = position + length
            let (nextScalar, nextLength) = Self.decode(text, at: nextPosition)
            advanceGeneration(marks)
            following.removeAll(keepingCapacity: true)
            for state in current {
                let instruction = instructions[Int(state)]
                guard consumes(instruction, folded) else { continue }
                let context = (scalar, nextScalar)
                if Self.addState(instruction.next, instructions, context, marks, generation, &following, &stack) {
                    return true
                }
            }
            swap(&current, &following)

            stepsSinceCheck += current.count + 1
            if stepsSinceCheck >= Self.stepsBetweenCancellationChecks {
                stepsSinceCheck = 0
                try Interruption.check()
            }
            previous = scalar
            scalar = nextScalar
            length = nextLength
            position = nextPosition
        }
    }

    @inline(__always)
    private func consumes(_ instruction: RegexInstruction, _ scalar: UInt32) -> Bool {
        switch instruction.opcode {
        case .character: return instruction.operand == scalar
        case .anyCharacter: return true
        case .characterClass: return nfa.classes[Int(instruction.operand)].contains(scalar)
        case .split, .jump, .assertion, .match: return false
        }
    }

    /// Starts a new list: every state counts as not yet added.
    private mutating func advanceGeneration(_ marks: UnsafeMutableBufferPointer<UInt32>) {
        if generation == UInt32.max {
            marks.update(repeating: 0)
            generation = 0
        }
        generation += 1
    }

    /// Adds `start` and every state reachable from it without consuming a scalar to `list`,
    /// keeping only the consuming states. `context` is the scalar before and after the
    /// current position, for the assertions.
    ///
    /// - Returns: true when the match state is reachable, so the text matches.
    private static func addState(
        _ start: Int32, _ instructions: UnsafeBufferPointer<RegexInstruction>,
        _ context: (previous: UInt32, next: UInt32), _ marks: UnsafeMutableBufferPointer<UInt32>,
        _ generation: UInt32, _ list: inout [Int32], _ stack: inout [Int32]
    ) -> Bool {
        stack.removeAll(keepingCapacity: true)
        stack.append(start)
        while let state = stack.popLast() {
            guard marks[Int(state)] != generation else { continue }
            marks[Int(state)] = generation
            let instruction = instructions[Int(state)]
            switch instruction.opcode {
            case .match:
                return true
            case .jump:
                stack.append(instruction.next)
            case .split:
                stack.append(instruction.alternative)
                stack.append(instruction.next)
            case .assertion:
                if holds(instruction.operand, context) { stack.append(instruction.next) }
            case .character, .anyCharacter, .characterClass:
                list.append(state)
            }
        }
        return false
    }

    private static func holds(_ assertion: UInt32, _ context: (previous: UInt32, next: UInt32)) -> Bool {
        let wordBefore = context.previous != noScalar && isRegexWordCharacter(context.previous)
        let wordAfter = context.next != noScalar && isRegexWordCharacter(context.next)
        switch RegexAssertion(rawValue: assertion) {
        case .textStart: return context.previous == noScalar
        case .textEnd: return context.next == noScalar
        case .wordStart: return !wordBefore && wordAfter
        case .wordEnd: return wordBefore && !wordAfter
        case .wordBoundary: return wordBefore != wordAfter
        case .notWordBoundary: return wordBefore == wordAfter
        case nil: preconditionFailure("assertion instruction with an unknown kind")
        }
    }

    /// Decodes the UTF-8 scalar that ends just before `position`, which must be above 0.
    ///
    /// A sequence that does not end exactly there reads as U+FFFD.
    private static func decode(_ text: UnsafeBufferPointer<UInt8>, before position: Int) -> UInt32 {
        var start = position - 1
        while start > 0 && start > position - 4 && text[start] & 0xC0 == 0x80 { start -= 1 }
        let (value, length) = decode(text, at: start)
        return start + length == position ? value : 0xFFFD
    }

    /// Decodes the UTF-8 scalar at `position`, returning it and its length in bytes, or
    /// `noScalar` and 0 at the end of the text.
    @inline(__always)
    private static func decode(_ text: UnsafeBufferPointer<UInt8>, at position: Int) -> (UInt32, Int) {
        guard position < text.count else { return (noScalar, 0) }
        let lead = UInt32(text[position])
        if lead < 0x80 { return (lead, 1) }
        // The lead byte's high bits give the sequence length: 110xxxxx, 1110xxxx, 11110xxx.
        let length: Int
        if lead >= 0xF8 || lead < 0xC0 {
            return (0xFFFD, 1)
        } else if lead >= 0xF0 {
            length = 4
        } else if lead >= 0xE0 {
            length = 3
        } else {
            length = 2
        }
        guard position + length <= text.count else { return (0xFFFD, 1) }
        var value = lead & (0x7F >> UInt32(length))
        for offset in 1..<length {
            let byte = UInt32(text[position + offset])
            guard byte & 0xC0 == 0x80 else { return (0xFFFD, 1) }
            value = value << 6 | (byte & 0x3F)
        }
        return (value, length)
    }
}
