// A small PostgreSQL protocol 3.0 client for the tests: it sends raw messages over a
// loopback socket and decodes the server's replies, so tests can check every byte the
// server sends, including malformed input a real driver would never produce.

import Foundation
@preconcurrency import Glibc

/// One backend message: its type byte and its body after the length.
struct BackendMessageRecord: CustomStringConvertible {
    var type: Character
    var body: [UInt8]

    var description: String { "\(type)(\(body.count) bytes)" }

    /// The fields of an ErrorResponse or NoticeResponse, by field code.
    var fields: [Character: String] {
        var result: [Character: String] = [:]
        var index = 0
        while index < body.count, body[index] != 0 {
            let code = Character(UnicodeScalar(body[index]))
            index += 1
            let end = body[index...].firstIndex(of: 0) ?? body.count
            result[code] = String(decoding: body[index..<end], as: UTF8.self)
            index = end + 1
        }
        return result
    }

    /// The cells of a DataRow; nil for NULL.
    var cells: [[UInt8]?] {
        var reader = ByteReader(body)
        let count = Int(reader.int16())
        return (0..<count).map { _ in
            let length = Int(reader.int32())
            return length < 0 ? nil : reader.bytes(length)
        }
    }

    /// The cells of a DataRow as text.
    var textCells: [String?] { cells.map { $0.map { String(decoding: $0, as: UTF8.self) } } }

    /// The columns of a RowDescription.
    var columns: [(name: String, typeOID: Int32, size: Int16, format: Int16)] {
        var reader = ByteReader(body)
        let count = Int(reader.int16())
        return (0..<count).map { _ in
            let name = reader.cString()
            _ = reader.int32()
            _ = reader.int16()
            let oid = reader.int32()
            let size = reader.int16()
            _ = reader.int32()
            let format = reader.int16()
            return (name, oid, size, format)
        }
    }

    /// The NUL-terminated strings of the body, such as a ParameterStatus name and value.
    var strings: [String] {
        body.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Big-endian reads over a message body; tests only decode well-formed server messages.
struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func int16() -> Int16 {
        defer { offset += 2 }
        return Int16(bitPattern: UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1]))
    }

    mutating func int32() -> Int32 {
        var value: UInt32 = 0
        for index in 0..<4 { value = value << 8 | UInt32(bytes[offset + index]) }
        offset += 4
        return Int32(bitPattern: value)
    }

    mutating func int64() -> Int64 {
        var value: UInt64 = 0
        for index in 0..<8 { value = value << 8 | UInt64(bytes[offset + index]) }
        offset += 8
        return Int64(bitPattern: value)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    mutating func cString() -> String {
        let end = bytes[offset...].firstIndex(of: 0) ?? bytes.count
        defer { offset = end + 1 }
        return String(decoding: bytes[offset..<end], as: UTF8.self)
    }
}

/// Builds a message body field by field.
struct BodyBuilder {
    var bytes: [UInt8] = []

    mutating func int16(_ value: Int16) {
        let bits = UInt16(bitPattern: value)
        bytes += [UInt8(bits >> 8), UInt8(bits & 0xFF)]
    }

    mutating func int32(_ value: Int32) {
        let bits = UInt32(bitPattern: value)
        bytes += [UInt8(bits >> 24), UInt8((bits >> 16) & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8(bits & 0xFF)]
    }

    mutating func cString(_ text: String) {
        bytes += Array(text.utf8) + [0]
    }
}

enum WireClientError: Error, CustomStringConvertible {
    case timedOut(String)
    case connectionFailed(Int32)
    case closed

    var description: String {
        switch self {
        case .timedOut(let what): return "timed out waiting for \(what)"
        case .connectionFailed(let code): return "connect failed: \(String(cString: strerror(code)))"
        case .closed: return "the server closed the connection"
        }
    }
}

final class WireClient {
    let socket: Int32
    private var input: [UInt8] = []
    /// Seconds to wait for a message before a test fails instead of hanging.
    var timeout: Double = 30
    private(set) var processID: Int32 = 0
    private(set) var secretKey: Int32 = 0
    private(set) var parameters: [String: String] = [:]

    /// Connects to 127.0.0.1:`port` without sending anything.
    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(socket)
            throw WireClientError.connectionFailed(code)
        }
    }

    deinit { Glibc.close(socket) }

    /// Connects and completes the startup phase.
    static func connected(port: Int, user: String = "tester", extra: [String: String] = [:]) throws -> WireClient {
        let client = try WireClient(port: port)
        try client.sendStartup(user: user, extra: extra)
        let messages = try client.readUntilReady()
        if let error = messages.first(where: { $0.type == "E" }) {
            throw StartupFailure(fields: error.fields)
        }
        return client
    }

    struct StartupFailure: Error {
        var fields: [Character: String]
    }

    // MARK: Sending

    func sendRaw(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw WireClientError.closed }
            offset += sent
        }
    }

    /// Sends a startup-phase packet: length, then `body`.
    func sendPacket(_ body: [UInt8]) throws {
        var packet = BodyBuilder()
        packet.int32(Int32(body.count + 4))
        try sendRaw(packet.bytes + body)
    }

    func sendStartup(user: String?, database: String = "db", extra: [String: String] = [:]) throws {
        var body = BodyBuilder()
        body.int32(196_608)
        if let user {
            body.cString("user")
            body.cString(user)
        }
        body.cString("database")
        body.cString(database)
        for (name, value) in extra.sorted(by: { $0.key < $1.key }) {
            body.cString(name)
            body.cString(value)
        }
        body.bytes.append(0)
        try sendPacket(body.bytes)
    }

    /// Sends a typed message.
    func send(_ type: Character, _ body: [UInt8] = []) throws {
        var message = [type.asciiValue ?? 0]
        var length = BodyBuilder()
        length.int32(Int32(body.count + 4))
        message += length.bytes + body
        try sendRaw(message)
    }

    func shutdownWriting() {
        shutdown(socket, Int32(SHUT_WR))
    }

    // MARK: Receiving

    /// Reads one byte outside any message, the server's reply to SSLRequest.
    func readByte() throws -> UInt8 {
        try fill(1, what: "one byte")
        return input.removeFirst()
    }

    /// Reads the next message; nil when the server closed the connection.
    func readMessage(timeout: Double? = nil) throws -> BackendMessageRecord? {
        guard try fillOrEnd(5, timeout: timeout ?? self.timeout) else { return nil }
        var reader = ByteReader(Array(input[1..<5]))
        let length = Int(reader.int32())
        try fill(1 + length, what: "a message body")
        let message = BackendMessageRecord(type: Character(UnicodeScalar(input[0])), body: Array(input[5..<(1 + length)]))
        input.removeFirst(1 + length)
        if message.type == "K" {
            var key = ByteReader(message.body)
            processID = key.int32()
            secretKey = key.int32()
        }
        if message.type == "S", message.strings.count == 2 { parameters[message.strings[0]] = message.strings[1] }
        return message
    }

    /// Reads messages up to and including ReadyForQuery, or to the end of the connection.
    func readUntilReady() throws -> [BackendMessageRecord] {
        var messages: [BackendMessageRecord] = []
        while let message = try readMessage() {
            messages.append(message)
            if message.type == "Z" { break }
        }
        return messages
    }

    /// Runs a simple query and returns every message up to ReadyForQuery.
    func query(_ sql: String) throws -> [BackendMessageRecord] {
        var body = BodyBuilder()
        body.cString(sql)
        try send("Q", body.bytes)
        return try readUntilReady()
    }

    /// Runs a simple query that must succeed and returns its rows as text.
    func rows(_ sql: String) throws -> [[String?]] {
        let messages = try query(sql)
        if let error = messages.first(where: { $0.type == "E" }) {
            throw QueryFailure(sql: sql, fields: error.fields)
        }
        return messages.filter { $0.type == "D" }.map(\.textCells)
    }

    struct QueryFailure: Error, CustomStringConvertible {
        var sql: String
        var fields: [Character: String]
        var description: String { "\(sql): \(fields["C"] ?? "") \(fields["M"] ?? "")" }
    }

    private func fill(_ count: Int, what: String) throws {
        guard try fillOrEnd(count, timeout: timeout) else { throw WireClientError.closed }
    }

    /// Reads until `count` bytes are buffered; false when the stream ends first with
    /// nothing buffered.
    private func fillOrEnd(_ count: Int, timeout: Double) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        var chunk = [UInt8](repeating: 0, count: 65536)
        while input.count < count {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw WireClientError.timedOut("\(count) bytes") }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(remaining * 1000) + 1)
            if ready == 0 { continue }
            let received = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if received <= 0 {
                if input.isEmpty { return false }
                throw WireClientError.closed
            }
            input += chunk[0..<received]
        }
        return true
    }
}
