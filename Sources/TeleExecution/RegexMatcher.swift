// The matcher that decides whether a compiled `RegexNFA` matches anywhere in a text.
//
// It simulates the NFA with a set of active states, Thompson's construction run as a Pike VM
// without capture groups. Each text scalar advances every active state at once, and a state
// already in the set is never added twice. One match therefore costs at most
// (text scalars + 1) x (NFA states) steps and never backtracks, so nested quantifiers such
// as `^(a+)+b$` stay linear in the text's length.

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
        case .lineStart: return context.previous == noScalar || context.previous == 0x0A
        case .lineEnd: return context.next == noScalar || context.next == 0x0A
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
