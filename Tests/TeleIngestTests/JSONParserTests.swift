// JSON parser behaviour: values, escapes, numbers, errors with positions, and robustness.

import Testing
import TeleCore
@testable import TeleIngest

@Suite struct JSONParserTests {
    private func parse(_ text: String) throws -> JSONDocument {
        try JSONParser().parse(Array(text.utf8))
    }

    private func parseError(_ text: String) -> TeleError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error as? TeleError
        }
    }

    @Test func objectMembersAndSkipping() throws {
        let document = try parse(#"{"a": [1, 2, {"x": true}], "b": null, "c": "text"}"#)
        #expect(document.kind(0) == .object)
        #expect(document.childCount(0) == 3)
        let a = try #require(document.member(0, "a"))
        #expect(document.kind(a) == .array)
        #expect(document.childCount(a) == 3)
        #expect(document.elements(a).count == 3)
        let b = try #require(document.member(0, "b"))
        #expect(document.isNull(b))
        let c = try #require(document.member(0, "c"))
        #expect(document.string(c) == "text")
        #expect(document.member(0, "missing") == nil)
        let x = try #require(document.path(0, "a"))
        let inner = document.elements(x)[2]
        #expect(document.bool(try #require(document.member(inner, "x"))) == true)
    }

    @Test func duplicateKeyLastWins() throws {
        let document = try parse(#"{"k": 1, "k": 2}"#)
        #expect(document.int64(try #require(document.member(0, "k"))) == 2)
    }

    @Test func stringEscapes() throws {
        let document = try parse(#"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u4e2d", "\ud83d\ude00", "plain é"]"#)
        let items = document.elements(0)
        #expect(document.string(items[0]) == "a\"b\\c/d\u{8}\u{c}\n\r\t")
        #expect(document.string(items[1]) == "é中")
        #expect(document.string(items[2]) == "😀")
        #expect(document.string(items[3]) == "plain é")
        #expect(document.nodes[items[3]].hasEscapes == false)
    }

    /// The string scan skips eight plain bytes at a time, so each special byte is tried at
    /// every offset of a long string, where it falls in every lane of a word.
    @Test func specialBytesAtEveryOffset() throws {
        let plain = Array("abcdefghijklmnopqrstuvwx".utf8)
        for offset in 0...plain.count {
            func text(_ inserted: [UInt8]) -> [UInt8] {
                [0x22] + plain[..<offset] + inserted + plain[offset...] + [0x22]
            }
            let expected = { (inserted: String) in
                String(decoding: plain[..<offset], as: UTF8.self) + inserted
                    + String(decoding: plain[offset...], as: UTF8.self)
            }

            let escaped = try JSONParser().parse(text([0x5C, 0x22]))
            #expect(escaped.string(0) == expected("\""), "escaped quote at \(offset)")
            #expect(escaped.nodes[0].hasEscapes, "escaped quote at \(offset)")
            let accented = try JSONParser().parse(text(Array("é".utf8)))
            #expect(accented.string(0) == expected("é"), "two-byte character at \(offset)")
            #expect(accented.nodes[0].hasEscapes == false, "two-byte character at \(offset)")

            #expect(throws: TeleError.self, "tab at \(offset)") { try JSONParser().parse(text([0x09])) }
            #expect(throws: TeleError.self, "byte 0x1F at \(offset)") { try JSONParser().parse(text([0x1F])) }
            #expect(throws: TeleError.self, "byte 0xFF at \(offset)") { try JSONParser().parse(text([0xFF])) }
            let cut = [0x22] + plain[..<offset]
            #expect(throws: TeleError.self, "unterminated at \(offset)") { try JSONParser().parse(Array(cut)) }
        }
    }

    @Test func keyLookupWithEscapedKey() throws {
        let document = try parse(#"{"\u0061b": 5}"#)
        #expect(document.int64(try #require(document.member(0, "ab"))) == 5)
    }

    @Test(arguments: [
        ("0", JSONKind.integer), ("-0", .integer), ("123", .integer), ("-9223372036854775808", .integer),
        ("9223372036854775807", .integer), ("9223372036854775808", .double), ("1.5", .double), ("1e3", .double),
        ("-2.5E-3", .double), ("12345678901234567890123", .double),
    ])
    func numberKinds(text: String, kind: JSONKind) throws {
        let document = try parse(text)
        #expect(document.kind(0) == kind)
    }

    @Test func numberValues() throws {
        let document = try parse("[0, -17, 9223372036854775807, -9223372036854775808, 1.5, -2.5e-3, 1e22, 0.1, 1.7976931348623157e308, 123456789012345678901234567890, 5e-324]")
        let items = document.elements(0)
        #expect(document.int64(items[0]) == 0)
        #expect(document.int64(items[1]) == -17)
        #expect(document.int64(items[2]) == Int64.max)
        #expect(document.int64(items[3]) == Int64.min)
        #expect(document.double(items[4]) == 1.5)
        #expect(document.double(items[5]) == -0.0025)
        #expect(document.double(items[6]) == 1e22)
        #expect(document.double(items[7]) == 0.1)
        #expect(document.double(items[8]) == 1.7976931348623157e308)
        #expect(document.double(items[9]) == 1.2345678901234568e29)
        #expect(document.double(items[10]) == Double.leastNonzeroMagnitude)
    }

    @Test(arguments: [
        "", "   ", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "-", "1.", ".5", "1e", "+1", "tru", "nul",
        "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "[1 2]", "{} {}",
        "\"tab\there\"", "NaN", "[1]]",
    ])
    func invalidDocumentsThrow(text: String) {
        let error = parseError(text)
        #expect(error?.state == .invalidJSONText, "accepted \(text.debugDescription)")
    }

    @Test func invalidUTF8Throws() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC0, 0x80, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xE4, 0xB8, 0x22]] {
            #expect(throws: TeleError.self) { try JSONParser().parse(bytes) }
        }
    }

    @Test func errorNamesLineColumnAndExpectation() throws {
        let error = try #require(parseError("{\n  \"a\": 1,\n  \"b\" 2\n}"))
        #expect(error.position?.line == 3)
        #expect(error.position?.column == 7)
        #expect(error.position?.offset == 18)
        #expect(error.message.contains("expected ':'"))
        #expect(error.message.contains("line 3, column 7"))
    }

    @Test func trailingGarbageIsAnError() throws {
        let error = try #require(parseError("{\"a\": 1} x"))
        #expect(error.message.contains("unexpected data after the JSON value"))
        #expect(error.position?.column == 10)
    }

    @Test func depthLimit() throws {
        let deepOK = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(try parse(deepOK).nodes.count == 512)
        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        let error = try #require(parseError(tooDeep))
        #expect(error.message.contains("nesting deeper than 512"))
        // Far deeper input must fail the same way rather than exhaust the stack.
        let hostile = String(repeating: "[", count: 100_000)
        #expect(parseError(hostile)?.state == .invalidJSONText)
    }

    @Test func truncatedInputNeverCrashes() throws {
        let text = #"{"a": [1, -2.5e3, "x\u00e9\ud83d\ude00y", {"b": null, "c": true, "d": false}], "e": "é"}"#
        let bytes = Array(text.utf8)
        #expect(throws: Never.self) { try JSONParser().parse(bytes) }
        for length in 0..<bytes.count {
            #expect(throws: TeleError.self) { try JSONParser().parse(Array(bytes[0..<length])) }
        }
    }

    @Test func parsePrefixReadsConcatenatedDocuments() throws {
        let bytes = Array("{\"a\":1}\n{\"a\":2}\n".utf8)
        let first = try JSONParser().parsePrefix(bytes, range: 0..<bytes.count)
        #expect(first.end == 7)
        let second = try JSONParser().parsePrefix(bytes, range: 8..<bytes.count)
        #expect(second.document.int64(try #require(second.document.member(0, "a"))) == 2)
    }

    @Test func samplePingsParse() throws {
        guard TestData.available else { return }
        for name in TestData.passPings {
            let bytes = try TestData.bytes("pings/pass/" + name)
            let document = try JSONParser().parse(bytes)
            #expect(document.kind(0) == .object, "\(name)")
        }
    }
}
