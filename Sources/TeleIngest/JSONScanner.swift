// The byte loop behind `JSONParser`: one pass over the input that validates it and appends
// one `JSONNode` per value.
//
// Containers are tracked on an explicit stack instead of by recursion, so the depth limit is
// a plain counter check and deep input cannot overflow the call stack. Failures carry only a
// byte offset and what was expected; `JSONParser` turns them into messages with a line and
// column, because counting lines is only worth doing when something went wrong.

struct JSONScanner {
    struct Failure: Error {
        var message: String
        var offset: Int
    }

    let input: UnsafePointer<UInt8>
    let end: Int
    let maxDepth: Int
    var position: Int
    var nodes: [JSONNode] = []
    /// Open containers: node index and the number of children seen so far.
    private var openContainers: [(node: Int, children: Int32)] = []

    init(buffer: UnsafeBufferPointer<UInt8>, position: Int, end: Int, maxDepth: Int) {
        // An empty array has no base address; any valid pointer works because `end` is 0.
        self.input = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
        self.position = position
        self.end = end
        self.maxDepth = maxDepth
        nodes.reserveCapacity(min(max((end - position) / 12, 16), 1 << 16))
    }

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < end, JSONScanner.isWhitespace(input[position]) { position += 1 }
    }

    /// Scans one complete value starting at the current position (after optional whitespace).
    mutating func scanValue() throws(Failure) {
        skipWhitespace()
        valueLoop: while true {
            guard position < end else { throw Failure(message: "expected a JSON value", offset: position) }
            let byte = input[position]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let isObject = byte == UInt8(ascii: "{")
                guard openContainers.count < maxDepth else {
                    throw Failure(message: "nesting deeper than \(maxDepth) levels", offset: position)
                }
                nodes.append(
                    JSONNode(
                        start: position, length: 0, next: 0, payload: 0, kind: isObject ? .object : .array,
                        hasEscapes: false))
                openContainers.append((nodes.count - 1, 0))
                position += 1
                skipWhitespace()
                let closer = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if position < end, input[position] == closer {
                    position += 1
                    closeContainer()
                } else {
                    openContainers[openContainers.count - 1].children = 1
                    if isObject { try scanMemberKey() }
                    continue valueLoop
                }
            case UInt8(ascii: "\""):
                try scanString()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                try scanNumber()
            case UInt8(ascii: "t"):
                try scanLiteral("true", kind: .bool, payload: 1)
            case UInt8(ascii: "f"):
                try scanLiteral("false", kind: .bool, payload: 0)
            case UInt8(ascii: "n"):
                try scanLiteral("null", kind: .null, payload: 0)
            default:
                throw Failure(message: "expected a JSON value", offset: position)
            }

            // A value is complete: continue the enclosing container or finish.
            while let top = openContainers.last {
                skipWhitespace()
                let isObject = nodes[top.node].kind == .object
                let closer = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                guard position < end else {
                    throw Failure(message: isObject ? "expected ',' or '}'" : "expected ',' or ']'", offset: position)
                }
                let next = input[position]
                if next == UInt8(ascii: ",") {
                    position += 1
                    openContainers[openContainers.count - 1].children += 1
                    skipWhitespace()
                    if isObject { try scanMemberKey() }
                    continue valueLoop
                }
                guard next == closer else {
                    throw Failure(message: isObject ? "expected ',' or '}'" : "expected ',' or ']'", offset: position)
                }
                position += 1
                closeContainer()
            }
            return
        }
    }

    @inline(__always)
    private mutating func closeContainer() {
        let top = openContainers.removeLast()
        nodes[top.node].length = top.children
        nodes[top.node].next = Int32(nodes.count)
    }

    /// Scans `"key"` and the following `:`, leaving the position at the member's value.
    private mutating func scanMemberKey() throws(Failure) {
        guard position < end, input[position] == UInt8(ascii: "\"") else {
            throw Failure(message: "expected a member name in double quotes", offset: position)
        }
        try scanString()
        skipWhitespace()
        guard position < end, input[position] == UInt8(ascii: ":") else {
            throw Failure(message: "expected ':' after the member name", offset: position)
        }
        position += 1
        skipWhitespace()
    }

    private mutating func scanLiteral(_ word: StaticString, kind: JSONKind, payload: Int64) throws(Failure) {
        let length = word.utf8CodeUnitCount
        let start = position
        guard end - position >= length else {
            throw Failure(message: "expected '\(word)'", offset: position)
        }
        let expected = word.utf8Start
        for index in 0..<length where input[position + index] != expected[index] {
            throw Failure(message: "expected '\(word)'", offset: position + index)
        }
        position += length
        nodes.append(
            JSONNode(start: start, length: Int32(length), next: Int32(nodes.count + 1), payload: payload, kind: kind,
                hasEscapes: false))
    }

    // MARK: Strings

    /// Scans a string starting at its opening quote.
    private mutating func scanString() throws(Failure) {
        position += 1
        let start = position
        var hasEscapes = false
        while position < end {
            // Skip plain bytes eight at a time, up to the first byte the checks below must see.
            while end &- position >= 8 {
                // Little endian, so the lowest lane is the first byte in memory.
                let word = UInt64(littleEndian: UnsafeRawPointer(input + position).loadUnaligned(as: UInt64.self))
                let mask = JSONScanner.specialByteMask(word)
                if mask == 0 {
                    position &+= 8
                } else {
                    position &+= mask.trailingZeroBitCount &>> 3
                    break
                }
            }
            guard position < end else { break }
            let byte = input[position]
            if byte == UInt8(ascii: "\"") {
                nodes.append(
                    JSONNode(
                        start: start, length: Int32(truncatingIfNeeded: position - start), next: Int32(nodes.count + 1),
                        payload: 0, kind: .string, hasEscapes: hasEscapes))
                position += 1
                return
            }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                try scanEscape()
            } else if byte < 0x20 {
                throw Failure(message: "control characters must be escaped in strings", offset: position)
            } else if byte >= 0x80 {
                try scanMultibyteCharacter()
            } else {
                position += 1
            }
        }
        throw Failure(message: "unterminated string", offset: position)
    }

    /// Returns a mask with the high bit set in the lane of each byte of `word` that a string
    /// scan must look at one by one: a quote, a backslash, a control character or a non-ASCII
    /// byte. The mask is 0 when there is none.
    ///
    /// It subtracts 0x01 (to find zero bytes after XOR with the quote or the backslash) and
    /// 0x20 (to find control characters) from every lane at once. A borrow can flag a lane
    /// above a special byte, but lanes below the first special byte produce neither a flag
    /// nor a borrow, so the lowest flagged lane is always the first special byte.
    @inline(__always)
    static func specialByteMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let zeroInQuotes = (quotes &- ones) & ~quotes
        let zeroInBackslashes = (backslashes &- ones) & ~backslashes
        let belowSpace = (word &- ones &* 0x20) & ~word
        return (zeroInQuotes | zeroInBackslashes | belowSpace | word) & highBits
    }

    /// Validates one escape sequence starting at its backslash.
    private mutating func scanEscape() throws(Failure) {
        guard position + 1 < end else { throw Failure(message: "unterminated escape sequence", offset: position + 1) }
        switch input[position + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 2
        case UInt8(ascii: "u"):
            let unit = try scanHexEscape(at: position)
            position += 6
            if (0xDC00...0xDFFF).contains(unit) {
                throw Failure(message: "expected a high surrogate before this low surrogate", offset: position - 6)
            }
            if (0xD800...0xDBFF).contains(unit) {
                guard position + 1 < end, input[position] == UInt8(ascii: "\\"), input[position + 1] == UInt8(ascii: "u")
                else { throw Failure(message: "expected a \\u low surrogate after a high surrogate", offset: position) }
                let low = try scanHexEscape(at: position)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw Failure(message: "expected a \\u low surrogate after a high surrogate", offset: position)
                }
                position += 6
            }
        default:
            throw Failure(message: "invalid escape sequence", offset: position + 1)
        }
    }

    /// Reads the four hex digits of `\uXXXX` starting at the backslash at `offset`.
    private func scanHexEscape(at offset: Int) throws(Failure) -> UInt16 {
        guard offset + 6 <= end else { throw Failure(message: "expected four hex digits after \\u", offset: offset + 2) }
        var unit: UInt16 = 0
        for index in 2..<6 {
            guard let digit = JSONEscapes.hexValue(input[offset + index]) else {
                throw Failure(message: "expected four hex digits after \\u", offset: offset + index)
            }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }

    /// Validates one UTF-8 sequence of two to four bytes (RFC 3629: no overlong forms, no
    /// surrogates, nothing above U+10FFFF).
    private mutating func scanMultibyteCharacter() throws(Failure) {
        let lead = input[position]
        var continuationCount = 0
        var secondLow: UInt8 = 0x80
        var secondHigh: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: continuationCount = 1
        case 0xE0: continuationCount = 2; secondLow = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: continuationCount = 2
        case 0xED: continuationCount = 2; secondHigh = 0x9F
        case 0xF0: continuationCount = 3; secondLow = 0x90
        case 0xF1...0xF3: continuationCount = 3
        case 0xF4: continuationCount = 3; secondHigh = 0x8F
        default: throw Failure(message: "invalid UTF-8 in string", offset: position)
        }
        guard position + continuationCount < end else {
            throw Failure(message: "invalid UTF-8 in string", offset: position)
        }
        let second = input[position + 1]
        guard second >= secondLow, second <= secondHigh else {
            throw Failure(message: "invalid UTF-8 in string", offset: position + 1)
        }
        if continuationCount > 1 {
            for index in 2...continuationCount where input[position + index] & 0xC0 != 0x80 {
                throw Failure(message: "invalid UTF-8 in string", offset: position + index)
            }
        }
        position += continuationCount + 1
    }

    // MARK: Numbers

    /// Scans a number. Integral numbers that fit an Int64 become `.integer`; every other
    /// number becomes `.double`.
    private mutating func scanNumber() throws(Failure) {
        let start = position
        var negative = false
        if input[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        guard position < end, JSONScanner.isDigit(input[position]) else {
            throw Failure(message: "expected a digit", offset: position)
        }

        // Up to 19 significant digits go into `mantissa` exactly; later digits only shift
        // the decimal exponent and force the slow but exact conversion.
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var droppedDigits = false
        var decimalExponent = 0
        if input[position] == UInt8(ascii: "0") {
            position += 1
            if position < end, JSONScanner.isDigit(input[position]) {
                throw Failure(message: "leading zeros are not allowed in numbers", offset: position)
            }
        } else {
            while position < end, JSONScanner.isDigit(input[position]) {
                if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(input[position] &- 48)
                    significantDigits += 1
                } else {
                    droppedDigits = true
                    decimalExponent += 1
                }
                position += 1
            }
        }

        var isIntegral = true
        if position < end, input[position] == UInt8(ascii: ".") {
            isIntegral = false
            position += 1
            guard position < end, JSONScanner.isDigit(input[position]) else {
                throw Failure(message: "expected a digit after the decimal point", offset: position)
            }
            while position < end, JSONScanner.isDigit(input[position]) {
                if significantDigits < 19 {
                    if mantissa != 0 || input[position] != UInt8(ascii: "0") { significantDigits += 1 }
                    mantissa = mantissa &* 10 &+ UInt64(input[position] &- 48)
                    decimalExponent -= 1
                } else {
                    droppedDigits = true
                }
                position += 1
            }
        }
        if position < end, input[position] | 0x20 == UInt8(ascii: "e") {
            isIntegral = false
            position += 1
            var exponentNegative = false
            if position < end, input[position] == UInt8(ascii: "+") || input[position] == UInt8(ascii: "-") {
                exponentNegative = input[position] == UInt8(ascii: "-")
                position += 1
            }
            guard position < end, JSONScanner.isDigit(input[position]) else {
                throw Failure(message: "expected a digit in the exponent", offset: position)
            }
            var exponent = 0
            while position < end, JSONScanner.isDigit(input[position]) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(input[position] &- 48) }
                position += 1
            }
            decimalExponent += exponentNegative ? -exponent : exponent
        }

        let length = Int32(truncatingIfNeeded: position - start)
        if isIntegral, !droppedDigits {
            if !negative, mantissa <= UInt64(Int64.max) {
                appendNumber(start: start, length: length, integer: Int64(mantissa))
                return
            }
            if negative, mantissa <= UInt64(Int64.max) + 1 {
                appendNumber(start: start, length: length, integer: Int64(truncatingIfNeeded: 0 &- mantissa))
                return
            }
        }
        let value = JSONNumbers.double(
            mantissa: mantissa, decimalExponent: decimalExponent, exact: !droppedDigits, negative: negative,
            text: UnsafeBufferPointer(start: input + start, count: Int(length)))
        nodes.append(
            JSONNode(start: start, length: length, next: Int32(nodes.count + 1),
                payload: Int64(bitPattern: value.bitPattern), kind: .double, hasEscapes: false))
    }

    @inline(__always)
    private mutating func appendNumber(start: Int, length: Int32, integer: Int64) {
        nodes.append(
            JSONNode(start: start, length: length, next: Int32(nodes.count + 1), payload: integer, kind: .integer,
                hasEscapes: false))
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- 48 < 10 }
}
