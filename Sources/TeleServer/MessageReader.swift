// A bounds-checked cursor over the body of one frontend message.
//
// Every read checks the remaining length first and throws a protocol violation (08P01) when
// the body is shorter than its fields claim, so a malformed message never reads past its end.

import TeleCore

struct MessageReader {
    private let body: [UInt8]
    private(set) var offset = 0
    /// The message's name, for error messages.
    let messageName: String

    init(_ body: [UInt8], messageName: String) {
        self.body = body
        self.messageName = messageName
    }

    var remaining: Int { body.count - offset }

    mutating func int16() throws -> Int16 {
        try require(2)
        let value = Int16(bitPattern: UInt16(body[offset]) << 8 | UInt16(body[offset + 1]))
        offset += 2
        return value
    }

    mutating func int32() throws -> Int32 {
        try require(4)
        var bits: UInt32 = 0
        for index in 0..<4 { bits = bits << 8 | UInt32(body[offset + index]) }
        offset += 4
        return Int32(bitPattern: bits)
    }

    mutating func byte() throws -> UInt8 {
        try require(1)
        offset += 1
        return body[offset - 1]
    }

    /// Reads a NUL-terminated string; invalid UTF-8 is repaired with U+FFFD.
    mutating func cString() throws -> String {
        guard let end = body[offset...].firstIndex(of: 0) else {
            throw ProtocolViolation.malformed("\(messageName) message has a string without its terminating zero byte")
        }
        let text = String(decoding: body[offset..<end], as: UTF8.self)
        offset = end + 1
        return text
    }

    mutating func bytes(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0 else {
            throw ProtocolViolation.malformed("\(messageName) message has a negative length \(count)")
        }
        try require(count)
        offset += count
        return body[(offset - count)..<offset]
    }

    /// Checks that the whole body was read.
    func finish() throws {
        if remaining != 0 {
            throw ProtocolViolation.malformed("\(messageName) message has \(remaining) bytes after its last field")
        }
    }

    private func require(_ count: Int) throws {
        if remaining < count {
            throw ProtocolViolation.malformed("\(messageName) message is shorter than its fields")
        }
    }
}

/// A message that breaks the protocol. The connection replies with ErrorResponse 08P01 and
/// closes, because the byte stream can no longer be trusted to be in step.
enum ProtocolViolation: Error {
    case malformed(String)

    var error: TeleError {
        switch self {
        case .malformed(let message):
            return TeleError(
                .protocolViolation, "invalid frontend message: \(message)",
                hint: "The client sent bytes that are not a valid PostgreSQL protocol 3.0 message; check the driver.")
        }
    }
}
