// Extended-protocol messages for the test client: Parse, Bind, Describe, Execute, Close and
// Sync, each sent without waiting, as drivers pipeline them.

extension WireClient {
    func parse(_ name: String = "", _ sql: String, types: [Int32] = []) throws {
        var body = BodyBuilder()
        body.cString(name)
        body.cString(sql)
        body.int16(Int16(types.count))
        for type in types { body.int32(type) }
        try send("P", body.bytes)
    }

    /// Sends Bind; a nil value is NULL.
    func bind(
        portal: String = "", statement: String = "", formats: [Int16] = [], values: [[UInt8]?] = [],
        resultFormats: [Int16] = []
    ) throws {
        var body = BodyBuilder()
        body.cString(portal)
        body.cString(statement)
        body.int16(Int16(formats.count))
        for format in formats { body.int16(format) }
        body.int16(Int16(values.count))
        for value in values {
            if let value {
                body.int32(Int32(value.count))
                body.bytes += value
            } else {
                body.int32(-1)
            }
        }
        body.int16(Int16(resultFormats.count))
        for format in resultFormats { body.int16(format) }
        try send("B", body.bytes)
    }

    func describe(_ kind: Character, _ name: String = "") throws {
        var body = BodyBuilder()
        body.bytes.append(kind.asciiValue ?? 0)
        body.cString(name)
        try send("D", body.bytes)
    }

    func execute(_ portal: String = "", maxRows: Int32 = 0) throws {
        var body = BodyBuilder()
        body.cString(portal)
        body.int32(maxRows)
        try send("E", body.bytes)
    }

    func close(_ kind: Character, _ name: String) throws {
        var body = BodyBuilder()
        body.bytes.append(kind.asciiValue ?? 0)
        body.cString(name)
        try send("C", body.bytes)
    }

    func sync() throws {
        try send("S")
    }
}

/// Text and binary encodings of parameter values.
enum Encode {
    static func text(_ value: String) -> [UInt8] { Array(value.utf8) }

    static func int32(_ value: Int32) -> [UInt8] {
        var builder = BodyBuilder()
        builder.int32(value)
        return builder.bytes
    }

    static func int64(_ value: Int64) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    static func float64(_ value: Double) -> [UInt8] {
        withUnsafeBytes(of: value.bitPattern.bigEndian) { Array($0) }
    }
}
