// The pieces under the protocol: parameter counting and cast types, text and binary value
// encodings, parameter decoding, literal substitution and timeout parsing.

import Testing

@testable import TeleCore
@testable import TeleServer

@Suite struct EncodingTests {
    @Test(arguments: [
        ("SELECT 1", [Int32]()),
        ("SELECT $2", [0, 0]),
        ("SELECT $1::int, CAST($2 AS timestamp with time zone), $3::double precision", [23, 1114, 701]),
        ("SELECT '$1', $1 -- $2", [0]),
        ("SELECT $1::histogram", [114]),
    ])
    func parameterTypesFromText(_ sql: String, _ expected: [Int32]) throws {
        #expect(try ParameterTypes.infer(in: sql) == expected)
    }

    @Test func textEncodingOfEveryType() {
        let cases: [(Vector, [String?])] = [
            (Vector.bool([1, 0]), ["t", "f"]),
            (Vector.int64([-5, 7], type: .smallint), ["-5", "7"]),
            (Vector.int64([0, 18_628], type: .date), ["1970-01-01", "2021-01-01"]),
            (Vector.int64([1_000_001], type: .timestamp), ["1970-01-01 00:00:01.000001", nil]),
            (Vector.double([0.1, 3], type: .double), ["0.1", "3"]),
            (Vector.double([0.1, 1e7], type: .real), ["0.1", "1e+07"]),
            (Vector.string(StringColumn(["a", "ü"])), ["a", "ü"]),
        ]
        for (vector, expected) in cases {
            var vector = vector
            if vector.type == .timestamp {
                vector = Vector.int64([1_000_001, 0], type: .timestamp, validity: ValidityMask(words: [1]))
            }
            let column = ColumnEncoding.encode(vector, binary: false)
            let cells: [String?] = (0..<expected.count).map { row in
                column.isNull(row)
                    ? nil : String(decoding: column.bytes[column.offsets[row]..<column.offsets[row + 1]], as: UTF8.self)
            }
            #expect(cells == expected, "\(vector.type)")
        }
    }

    @Test(arguments: [
        (1e15, "1e+15"), (5e15, "5e+15"), (123456789012345.6, "123456789012345.6"), (0.0001, "0.0001"),
        (0.00001, "1e-05"), (-2.5e-10, "-2.5e-10"), (100, "100"), (-0.0, "-0"), (1.5e300, "1.5e+300"),
    ])
    func doubleFormatting(_ value: Double, _ expected: String) {
        #expect(ColumnEncoding.formatDouble(value) == expected)
    }

    @Test(arguments: [(Float(1e6), "1e+06"), (123456, "123456"), (0.1, "0.1"), (3.4028235e38, "3.4028235e+38")])
    func realFormatting(_ value: Float, _ expected: String) {
        #expect(ColumnEncoding.formatReal(value) == expected)
    }

    @Test func binaryEncodingUsesPostgresEpoch() {
        let dates = ColumnEncoding.encode(Vector.int64([10_957, 10_956], type: .date), binary: true)
        #expect(dates.bytes == [0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF])
        let timestamps = ColumnEncoding.encode(Vector.int64([946_684_800_000_001], type: .timestamp), binary: true)
        #expect(timestamps.bytes == [0, 0, 0, 0, 0, 0, 0, 1])
        let intervals = ColumnEncoding.encode(
            Vector(type: .interval, storage: .interval([Interval(months: 2, days: 3, micros: 4)]), count: 1), binary: true)
        #expect(intervals.bytes == [0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 3, 0, 0, 0, 2])
    }

    @Test func constantNullColumnEncodesAsNull() {
        let column = ColumnEncoding.encode(Vector.constant(.null, type: .null, count: 3), binary: false)
        #expect((0..<3).allSatisfy { column.isNull($0) })
    }

    @Test func parameterDecoding() throws {
        #expect(try ParameterDecoding.decode(ArraySlice(Array("42".utf8)), format: 0, typeOID: 23, index: 0) == .integer(42))
        #expect(try ParameterDecoding.decode(ArraySlice(Array("42".utf8)), format: 0, typeOID: 0, index: 0) == .string("42"))
        #expect(try ParameterDecoding.decode(ArraySlice(Array("on".utf8)), format: 0, typeOID: 16, index: 0) == .boolean(true))
        #expect(try ParameterDecoding.decode(nil, format: 1, typeOID: 20, index: 0) == .null)
        #expect(try ParameterDecoding.decode([0, 0, 0, 1], format: 1, typeOID: 1082, index: 0) == .date(10_958))
        #expect(try ParameterDecoding.decode([0xFF, 0xFE], format: 1, typeOID: 21, index: 0) == .integer(-2))
        #expect(throws: TeleError.self) { try ParameterDecoding.decode([0, 1], format: 1, typeOID: 23, index: 0) }
        #expect(throws: TeleError.self) { try ParameterDecoding.decode([0], format: 2, typeOID: 23, index: 0) }
        #expect(throws: TeleError.self) {
            try ParameterDecoding.decode(ArraySlice(Array("2026-13-01".utf8)), format: 0, typeOID: 1082, index: 0)
        }
    }

    @Test func substitutionWritesLiterals() throws {
        let text = try ParameterSubstitution.substitute(
            [.integer(-3), .string("o'k"), .null, .timestamp(0)], into: "INSERT INTO t VALUES ($1,$2,$3,$4, '$1')")
        #expect(text == "INSERT INTO t VALUES ( (-3) , 'o''k' , NULL , TIMESTAMP '1970-01-01 00:00:00' , '$1')")
        #expect(throws: TeleError.self) { try ParameterSubstitution.substitute([], into: "DELETE FROM t WHERE a = $1") }
        #expect(throws: TeleError.self) { try ParameterSubstitution.substitute([.string("a\u{0}b")], into: "SELECT $1") }
    }

    @Test(arguments: [("250", 0.25), ("2s", 2.0), ("1 min", 60.0), ("0", 0.0)])
    func statementTimeoutValues(_ text: String, _ seconds: Double) {
        #expect(ClientConnection.parseTimeout(text) == seconds)
    }

    @Test func characterPositionCountsCharacters() {
        #expect(ClientConnection.characterPosition(byteOffset: 0, in: "abc") == 1)
        #expect(ClientConnection.characterPosition(byteOffset: 3, in: "éa b") == 3)
    }
}
