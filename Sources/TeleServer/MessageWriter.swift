// Backend messages built in an output buffer.
//
// Each message is written whole (type byte, length, body) before anything is sent, so a
// flush never splits a message. The connection flushes at ReadyForQuery, at Flush, and when
// a large result has filled the buffer.

import TeleCore

struct MessageWriter {
    private(set) var buffer: [UInt8] = []
    private var messageStart = -1

    init() {
        buffer.reserveCapacity(64 << 10)
    }

    var isEmpty: Bool { buffer.isEmpty }
    var count: Int { buffer.count }

    mutating func removeAll() {
        buffer.removeAll(keepingCapacity: true)
    }

    /// Starts a message; `end()` fills in its length.
    mutating func begin(_ type: BackendMessage) {
        precondition(messageStart < 0, "a message is already open")
        buffer.append(type.rawValue)
        messageStart = buffer.count
        buffer.append(contentsOf: [0, 0, 0, 0])
    }

    /// Closes the open message by writing its length, which counts itself but not the type.
    mutating func end() {
        precondition(messageStart >= 0, "no message is open")
        let length = UInt32(buffer.count - messageStart)
        buffer[messageStart] = UInt8(truncatingIfNeeded: length >> 24)
        buffer[messageStart + 1] = UInt8(truncatingIfNeeded: length >> 16)
        buffer[messageStart + 2] = UInt8(truncatingIfNeeded: length >> 8)
        buffer[messageStart + 3] = UInt8(truncatingIfNeeded: length)
        messageStart = -1
    }

    /// Appends a message of one byte type and an empty body.
    mutating func empty(_ type: BackendMessage) {
        begin(type)
        end()
    }

    mutating func int8(_ value: UInt8) { buffer.append(value) }

    mutating func int16(_ value: Int16) {
        let bits = UInt16(bitPattern: value)
        buffer.append(UInt8(truncatingIfNeeded: bits >> 8))
        buffer.append(UInt8(truncatingIfNeeded: bits))
    }

    mutating func int32(_ value: Int32) {
        let bits = UInt32(bitPattern: value)
        buffer.append(UInt8(truncatingIfNeeded: bits >> 24))
        buffer.append(UInt8(truncatingIfNeeded: bits >> 16))
        buffer.append(UInt8(truncatingIfNeeded: bits >> 8))
        buffer.append(UInt8(truncatingIfNeeded: bits))
    }

    mutating func int64(_ value: Int64) {
        let bits = UInt64(bitPattern: value)
        for shift in stride(from: 56, through: 0, by: -8) {
            buffer.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
        }
    }

    /// Appends a NUL-terminated string. A NUL inside `text` would end it early, so it is dropped.
    mutating func cString(_ text: String) {
        for byte in text.utf8 where byte != 0 { buffer.append(byte) }
        buffer.append(0)
    }

    mutating func bytes<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        buffer.append(contentsOf: bytes)
    }

    mutating func bytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
    }
}
