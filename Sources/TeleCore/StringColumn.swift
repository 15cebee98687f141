// Variable-length strings stored as one byte buffer and an offset array.
//
// Strings are compared and hashed as bytes (SQL's byte semantics under the C collation),
// never as Swift `String`, whose `==` applies Unicode canonical equivalence and costs
// hundreds of nanoseconds.

/// `count` strings: string i is `bytes[offsets[i] ..< offsets[i + 1]]`.
public struct StringColumn: Hashable, Sendable {
    public var bytes: [UInt8]
    /// `count + 1` offsets into `bytes`, starting with 0 and never decreasing.
    public var offsets: [Int32]

    public init() {
        bytes = []
        offsets = [0]
    }

    public init(bytes: [UInt8], offsets: [Int32]) {
        precondition(!offsets.isEmpty && offsets[0] == 0, "offsets start with 0")
        self.bytes = bytes
        self.offsets = offsets
    }

    public init<S: Sequence>(_ strings: S) where S.Element == String {
        self.init()
        for string in strings { append(string) }
    }

    public var count: Int { offsets.count - 1 }

    public mutating func append(_ string: String) {
        bytes.append(contentsOf: string.utf8)
        offsets.append(Int32(bytes.count))
    }

    public mutating func append(bytes newBytes: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: newBytes)
        offsets.append(Int32(bytes.count))
    }

    /// Appends an empty string, as the placeholder of a NULL row.
    public mutating func appendEmpty() {
        offsets.append(Int32(bytes.count))
    }

    public func length(_ index: Int) -> Int { Int(offsets[index + 1] - offsets[index]) }

    public subscript(index: Int) -> String {
        let start = Int(offsets[index])
        let end = Int(offsets[index + 1])
        return bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self)
        }
    }

    /// Calls `body` with the bytes of string `index` without copying them.
    @inlinable
    public func withBytes<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows
        -> R
    {
        let start = Int(offsets[index])
        let end = Int(offsets[index + 1])
        return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }
}
