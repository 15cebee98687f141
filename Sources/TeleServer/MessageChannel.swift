// Framing of protocol messages over a byte stream: the startup packet (length first, no type
// byte) and typed messages (one type byte, then a length that counts itself).
//
// A length is checked against its limit before the body is allocated or read, so a client
// cannot make the server reserve memory by announcing a huge message.

import TeleCore
import TeleSecurity

final class MessageChannel {
    private(set) var stream: any ByteStream
    private var input: [UInt8] = []
    private var inputStart = 0

    init(stream: any ByteStream) {
        self.stream = stream
    }

    /// Replaces the stream, after a TLS handshake over the same socket.
    func replaceStream(_ newStream: any ByteStream) {
        stream = newStream
    }

    /// Whether a message (or part of one) is already waiting above the socket.
    var hasBufferedInput: Bool { inputStart < input.count || stream.hasBufferedInput }

    /// Reads one startup-phase packet and returns its body after the length.
    ///
    /// - Returns: nil when the client closed the connection before sending anything.
    func readStartupPacket() throws -> [UInt8]? {
        guard try fill(4, allowEndOfStream: true) else { return nil }
        let length = Int(peekInt32())
        guard length >= 8, length <= MessageLimits.maxStartupPacketLength else {
            throw ProtocolViolation.malformed(
                "invalid startup packet length \(length); it must be between 8 and \(MessageLimits.maxStartupPacketLength)")
        }
        inputStart += 4
        return try take(length - 4)
    }

    /// Reads one typed message.
    ///
    /// - Returns: nil when the client closed the connection between messages.
    /// - Throws: `ProtocolViolation` for a length out of range or a stream that ends inside a
    ///   message.
    func readMessage() throws -> (type: UInt8, body: [UInt8])? {
        guard try fill(5, allowEndOfStream: true) else { return nil }
        let type = input[inputStart]
        inputStart += 1
        let length = Int(peekInt32())
        guard length >= 4, length <= MessageLimits.maxMessageLength else {
            throw ProtocolViolation.malformed(
                "invalid message length \(length) for message type \"\(printable(type))\"; "
                    + "it must be between 4 and \(MessageLimits.maxMessageLength)")
        }
        inputStart += 4
        return (type, try take(length - 4))
    }

    /// Sends the writer's messages and empties it.
    func send(_ writer: inout MessageWriter) throws {
        guard !writer.isEmpty else { return }
        try writer.buffer.withUnsafeBytes { try stream.write($0) }
        writer.removeAll()
    }

    // MARK: Buffering

    private func take(_ count: Int) throws -> [UInt8] {
        _ = try fill(count, allowEndOfStream: false)
        let body = Array(input[inputStart..<(inputStart + count)])
        inputStart += count
        return body
    }

    /// Reads until `count` bytes are buffered.
    ///
    /// - Returns: false when the stream ended with no byte buffered and `allowEndOfStream`.
    private func fill(_ count: Int, allowEndOfStream: Bool) throws -> Bool {
        if inputStart > 0, inputStart == input.count || input.count - inputStart < count {
            input.removeSubrange(0..<inputStart)
            inputStart = 0
        }
        var chunk = [UInt8](repeating: 0, count: 0)
        while input.count - inputStart < count {
            let requested = max(64 << 10, count - (input.count - inputStart))
            if chunk.count < requested { chunk = [UInt8](repeating: 0, count: min(requested, 1 << 20)) }
            let read = try chunk.withUnsafeMutableBytes { try stream.read(into: $0) }
            if read == 0 {
                if allowEndOfStream, input.count == inputStart { return false }
                throw ProtocolViolation.malformed("the connection ended in the middle of a message")
            }
            input.append(contentsOf: chunk[0..<read])
        }
        return true
    }

    private func peekInt32() -> Int32 {
        var bits: UInt32 = 0
        for index in 0..<4 { bits = bits << 8 | UInt32(input[inputStart + index]) }
        return Int32(bitPattern: bits)
    }

    private func printable(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
    }
}
