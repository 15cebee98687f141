// A parsed JSON document: the source bytes plus a flat array of nodes in document order.
//
// Every value is one node. A container's children follow it directly, and `next` gives the
// index just past its subtree, so skipping a value costs O(1). An object's children
// alternate key and value. Strings stay as byte ranges into the source and are unescaped only
// when a caller asks for them, so ingest can compare keys and copy values without creating
// a Swift `String` per value.
//
//     {"a":[1,2],"b":null}
//     index: 0 object   1 "a"   2 array   3 1   4 2   5 "b"   6 null
//     next:  7          2       5         4     5     6       7

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The kind of a JSON value. Numbers are split by whether they fit an Int64 exactly.
public enum JSONKind: UInt8, Sendable {
    case null
    case bool
    case integer
    case double
    case string
    case array
    case object

    /// The name JSON Schema uses for the kind.
    public var name: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .integer: return "integer"
        case .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

/// One value of a parsed document.
public struct JSONNode: Sendable {
    /// Byte offset in the source: for a string, the first byte after the opening quote;
    /// for other values, the first byte of the value.
    public var start: Int
    /// For a string, the number of raw (still escaped) bytes between the quotes. For a
    /// number, the length of its text. For a container, the number of children (an object
    /// counts members, not keys and values).
    public var length: Int32
    /// The index of the first node after this value's subtree.
    public var next: Int32
    /// The integer value, the bit pattern of the double, or 1/0 for true/false.
    public var payload: Int64
    public var kind: JSONKind
    /// Whether a string contains backslash escapes and must be unescaped before use.
    public var hasEscapes: Bool
}

/// A parsed JSON document. Node 0 is the root value.
public struct JSONDocument: Sendable {
    /// The bytes the document was parsed from; node offsets index into this array.
    public let bytes: [UInt8]
    public let nodes: [JSONNode]
    /// The byte range of the document within `bytes`.
    public let range: Range<Int>

    init(bytes: [UInt8], nodes: [JSONNode], range: Range<Int>) {
        self.bytes = bytes
        self.nodes = nodes
        self.range = range
    }

    public var root: Int { 0 }

    @inlinable
    public func kind(_ node: Int) -> JSONKind { nodes[node].kind }

    /// The node index after `node`'s subtree: the next sibling when there is one.
    @inlinable
    public func next(_ node: Int) -> Int { Int(nodes[node].next) }

    /// The number of members of an object or elements of an array, or 0 for a scalar.
    public func childCount(_ node: Int) -> Int {
        let kind = nodes[node].kind
        return kind == .array || kind == .object ? Int(nodes[node].length) : 0
    }

    /// The value of member `key` of `object`, or nil when `object` is not an object or has no
    /// such member. With duplicate keys the last one wins, as in most JSON libraries.
    public func member(_ object: Int, _ key: String) -> Int? {
        var key = key
        return key.withUTF8 { member(object, bytes: $0) }
    }

    /// The value of the member whose unescaped key equals `keyBytes`.
    public func member(_ object: Int, bytes keyBytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard nodes[object].kind == .object else { return nil }
        var found: Int?
        var child = object + 1
        let end = Int(nodes[object].next)
        while child < end {
            let value = child + 1
            if keyEquals(child, keyBytes) { found = value }
            child = Int(nodes[value].next)
        }
        return found
    }

    /// The node reached by following `keys` from `node` through nested objects.
    public func path(_ node: Int, _ keys: String...) -> Int? {
        var current = node
        for key in keys {
            guard let child = member(current, key) else { return nil }
            current = child
        }
        return current
    }

    /// Calls `body` with each member of `object` as (key node, value node).
    public func forEachMember(_ object: Int, _ body: (_ key: Int, _ value: Int) throws -> Void) rethrows {
        guard nodes[object].kind == .object else { return }
        var child = object + 1
        let end = Int(nodes[object].next)
        while child < end {
            let value = child + 1
            try body(child, value)
            child = Int(nodes[value].next)
        }
    }

    /// Calls `body` with each element of `array`.
    public func forEachElement(_ array: Int, _ body: (_ element: Int) throws -> Void) rethrows {
        guard nodes[array].kind == .array else { return }
        var child = array + 1
        let end = Int(nodes[array].next)
        while child < end {
            try body(child)
            child = Int(nodes[child].next)
        }
    }

    /// The element indices of `array`, or an empty array for any other kind.
    public func elements(_ array: Int) -> [Int] {
        var result: [Int] = []
        forEachElement(array) { result.append($0) }
        return result
    }

    /// The value as an Int64: integers as they are, doubles only when integral and in range.
    public func int64(_ node: Int) -> Int64? {
        let item = nodes[node]
        switch item.kind {
        case .integer: return item.payload
        case .double:
            let value = Double(bitPattern: UInt64(bitPattern: item.payload))
            guard value == value.rounded(), let exact = Int64(exactly: value) else { return nil }
            return exact
        default: return nil
        }
    }

    /// The value of a number node as a Double.
    public func double(_ node: Int) -> Double? {
        let item = nodes[node]
        switch item.kind {
        case .integer: return Double(item.payload)
        case .double: return Double(bitPattern: UInt64(bitPattern: item.payload))
        default: return nil
        }
    }

    public func bool(_ node: Int) -> Bool? {
        nodes[node].kind == .bool ? nodes[node].payload != 0 : nil
    }

    public func isNull(_ node: Int) -> Bool { nodes[node].kind == .null }

    /// The unescaped text of a string node, or nil for other kinds.
    public func string(_ node: Int) -> String? {
        guard nodes[node].kind == .string else { return nil }
        return withStringBytes(node) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the unescaped UTF-8 bytes of a string node. Strings without escapes
    /// are passed in place; others are unescaped into a temporary buffer.
    public func withStringBytes<R>(_ node: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let item = nodes[node]
        precondition(item.kind == .string, "withStringBytes needs a string node")
        let start = item.start
        let end = start + Int(item.length)
        if !item.hasEscapes {
            return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
        }
        let unescaped = bytes.withUnsafeBufferPointer {
            JSONEscapes.unescape(UnsafeBufferPointer(rebasing: $0[start..<end]))
        }
        return try unescaped.withUnsafeBufferPointer { try body($0) }
    }

    /// Whether a string node's unescaped text equals `other` byte for byte.
    public func keyEquals(_ node: Int, _ other: UnsafeBufferPointer<UInt8>) -> Bool {
        let item = nodes[node]
        guard item.kind == .string else { return false }
        if !item.hasEscapes {
            guard Int(item.length) == other.count else { return false }
            if other.isEmpty { return true }
            return bytes.withUnsafeBufferPointer { source in
                guard let base = source.baseAddress, let otherBase = other.baseAddress else { return false }
                return memcmp(base + item.start, otherBase, other.count) == 0
            }
        }
        return withStringBytes(node) { $0.elementsEqual(other) }
    }

    /// Whether a string node's unescaped text equals `text`.
    public func stringEquals(_ node: Int, _ text: String) -> Bool {
        var text = text
        return text.withUTF8 { keyEquals(node, $0) }
    }

    /// A short rendering of a value for messages: scalars as written, containers elided.
    public func rawText(_ node: Int) -> String {
        let item = nodes[node]
        let start: Int
        let end: Int
        switch item.kind {
        case .string:
            start = item.start - 1
            end = min(item.start + Int(item.length) + 1, start + 60)
        case .integer, .double:
            start = item.start
            end = item.start + Int(item.length)
        case .null: return "null"
        case .bool: return item.payload != 0 ? "true" : "false"
        case .array: return "[...]"
        case .object: return "{...}"
        }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
