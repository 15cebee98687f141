// JSON Schema validation: the telemetry schema on real pings, and each keyword on its own.

import Testing
import TeleCore
@testable import TeleIngest

@Suite struct JSONSchemaValidatorTests {
    private func validator(_ schema: String) throws -> JSONSchemaValidator {
        try JSONSchemaValidator(schemaBytes: Array(schema.utf8))
    }

    private func violation(_ schema: String, _ document: String) throws -> JSONViolation? {
        try validator(schema).firstViolation(in: try JSONParser().parse(Array(document.utf8)))
    }

    private var schemaPath: String { TestData.telemetryFolder + "/schema/main.4.schema.json" }

    @Test func everyPassPingValidates() throws {
        guard TestData.available else { return }
        let validator = try JSONSchemaValidator(path: schemaPath)
        for name in TestData.passPings {
            let document = try JSONParser().parse(try TestData.bytes("pings/pass/" + name))
            let problem = validator.firstViolation(in: document)
            #expect(problem == nil, "\(name): \(String(describing: problem))")
        }
    }

    @Test func everyFailPingIsRejectedWithPathAndRule() throws {
        guard TestData.available else { return }
        let validator = try JSONSchemaValidator(path: schemaPath)
        let expected: [String: (path: String, rule: String)] = [
            "main.4.bad-profile-group-id.fail.json": ("$.profileGroupId", "(pattern)"),
            "main.4.displayversion.fail.json": ("$.environment.build.displayVersion", "(pattern)"),
            "main.4.empty.fail.json": ("$.application", "(required)"),
            "main.4.hdd_type_empty.fail.json": ("$.environment.system.hdd.profile.type", "(enum)"),
            "main.4.histogram.fail.json": ("$.payload.histograms.INVALID_BUCKET_TYPE.values.foo", "(additionalProperties)"),
            "main.4.negative_count.fail.json": ("$.payload.histograms.NEGATIVE_COUNT.values.2", "(minimum)"),
        ]
        #expect(expected.count == TestData.failPings.count)
        for name in TestData.failPings {
            let document = try JSONParser().parse(try TestData.bytes("pings/fail/" + name))
            let problem = try #require(validator.firstViolation(in: document), "\(name) validated")
            let want = try #require(expected[name])
            #expect(problem.path.description == want.path, "\(name): \(problem)")
            #expect(problem.message.hasSuffix(want.rule), "\(name): \(problem)")
        }
    }

    @Test func ingestWithSchemaRejectsEveryFailPing() throws {
        guard TestData.available else { return }
        let ingestor = PingIngestor(schemaValidator: try JSONSchemaValidator(path: schemaPath))
        for name in TestData.failPings {
            let batch = ingestor.ingest(fileBytes: try TestData.bytes("pings/fail/" + name), fileName: name)
            #expect(batch.pingCount == 0, "\(name)")
            #expect(batch.rejectedCount == 1, "\(name)")
        }
        for name in TestData.passPings {
            let batch = ingestor.ingest(fileBytes: try TestData.bytes("pings/pass/" + name), fileName: name)
            #expect(batch.pingCount == 1, "\(name): \(batch.rejections)")
        }
    }

    @Test func typeKeyword() throws {
        #expect(try violation(#"{"type": "integer"}"#, "5") == nil)
        #expect(try violation(#"{"type": "integer"}"#, "5.0") == nil)
        #expect(try violation(#"{"type": "integer"}"#, "5.5")?.message.hasSuffix("(type)") == true)
        #expect(try violation(#"{"type": "number"}"#, "5") == nil)
        #expect(try violation(#"{"type": ["string", "null"]}"#, "null") == nil)
        let problem = try violation(#"{"type": ["string", "null"]}"#, "true")
        #expect(problem?.message == #"expected type "null" or "string", found boolean true (type)"#)
    }

    @Test func objectKeywords() throws {
        let schema = #"""
            {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}},
             "patternProperties": {"^n_[0-9]+$": {"type": "integer", "minimum": 0}},
             "additionalProperties": false, "maxProperties": 3}
            """#
        #expect(try violation(schema, #"{"a": "x", "n_1": 4}"#) == nil)
        #expect(try violation(schema, #"{"n_1": 4}"#)?.description == #"$.a: required member "a" is missing (required)"#)
        #expect(try violation(schema, #"{"a": "x", "n_1": -4}"#)?.path.description == "$.n_1")
        #expect(try violation(schema, #"{"a": "x", "zz": 1}"#)?.message == #"member "zz" is not allowed (additionalProperties)"#)
        #expect(try violation(schema, #"{"a": "x", "n_1": 1, "n_2": 2, "n_3": 3}"#)?.message.hasSuffix("(maxProperties)") == true)
        let typed = #"{"additionalProperties": {"type": "boolean"}}"#
        #expect(try violation(typed, #"{"x": true}"#) == nil)
        #expect(try violation(typed, #"{"x": 1}"#)?.path.description == "$.x")
    }

    @Test func arrayKeywords() throws {
        let schema = #"{"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 3, "uniqueItems": true}"#
        #expect(try violation(schema, "[1, 2]") == nil)
        #expect(try violation(schema, "[]")?.message.hasSuffix("(minItems)") == true)
        #expect(try violation(schema, "[1, 2, 3, 4]")?.message.hasSuffix("(maxItems)") == true)
        #expect(try violation(schema, "[1, 1.0]")?.message.hasSuffix("(uniqueItems)") == true)
        #expect(try violation(schema, #"[1, "x"]"#)?.path.description == "$[1]")
        let tuple = #"{"items": [{"type": "string"}, {"type": "integer"}], "additionalItems": false}"#
        #expect(try violation(tuple, #"["a", 1]"#) == nil)
        #expect(try violation(tuple, #"["a", 1, 2]"#)?.path.description == "$[2]")
        #expect(try violation(tuple, #"[1, 1]"#)?.path.description == "$[0]")
    }

    @Test func scalarKeywords() throws {
        #expect(try violation(#"{"enum": ["SSD", "HDD", null]}"#, #""""#)?.message == #"value string "" is not one of ["SSD", "HDD", null] (enum)"#)
        #expect(try violation(#"{"const": 3}"#, "3.0") == nil)
        #expect(try violation(#"{"minimum": 0, "maximum": 10}"#, "11")?.message.hasSuffix("(maximum)") == true)
        #expect(try violation(#"{"minimum": 0, "exclusiveMinimum": true}"#, "0")?.message.hasSuffix("(exclusiveMinimum)") == true)
        #expect(try violation(#"{"exclusiveMaximum": 5}"#, "5")?.message.hasSuffix("(exclusiveMaximum)") == true)
        #expect(try violation(#"{"multipleOf": 0.5}"#, "2.5") == nil)
        #expect(try violation(#"{"multipleOf": 2}"#, "3")?.message.hasSuffix("(multipleOf)") == true)
        #expect(try violation(#"{"minLength": 2, "maxLength": 3}"#, #""éé""#) == nil)
        #expect(try violation(#"{"maxLength": 3}"#, #""abcd""#)?.message.hasSuffix("(maxLength)") == true)
        #expect(try violation(#"{"format": "date-time"}"#, #""2015-11-05T01:25:43.312Z""#) == nil)
        #expect(try violation(#"{"format": "date-time"}"#, #""2015-11-05""#)?.message.hasSuffix("(format)") == true)
    }

    @Test func combinationsAndReferences() throws {
        let schema = #"""
            {"definitions": {"positive": {"type": "integer", "minimum": 1}},
             "anyOf": [{"$ref": "#/definitions/positive"}, {"type": "string"}]}
            """#
        #expect(try violation(schema, "3") == nil)
        #expect(try violation(schema, #""x""#) == nil)
        #expect(try violation(schema, "0")?.message.hasSuffix("(anyOf)") == true)
        let oneOf = #"{"oneOf": [{"type": "integer"}, {"minimum": 0}]}"#
        #expect(try violation(oneOf, "-1") == nil)
        #expect(try violation(oneOf, "1")?.message.hasSuffix("(oneOf)") == true)
        #expect(try violation(#"{"allOf": [{"type": "integer"}, {"maximum": 3}]}"#, "4")?.message.hasSuffix("(maximum)") == true)
        #expect(try violation(#"{"not": {"type": "null"}}"#, "null")?.message.hasSuffix("(not)") == true)
        let recursive = ##"{"type": "object", "properties": {"child": {"$ref": "#"}}, "additionalProperties": false}"##
        #expect(try violation(recursive, #"{"child": {"child": {}}}"#) == nil)
        #expect(try violation(recursive, #"{"child": {"child": {"x": 1}}}"#)?.path.description == "$.child.child.x")
    }

    @Test func invalidSchemasThrow() {
        #expect(throws: TeleError.self) { try validator(#"{"type": "float"}"#) }
        #expect(throws: TeleError.self) { try validator(#"{"$ref": "other.json#/a"}"#) }
        #expect(throws: TeleError.self) { try validator(##"{"$ref": "#/definitions/missing"}"##) }
        #expect(throws: TeleError.self) { try validator(#"{"pattern": "(a"}"#) }
        #expect(throws: TeleError.self) { try validator(#"{"pattern": "(?=a)"}"#) }
        #expect(throws: TeleError.self) { try validator(#"{"pattern": "(a)\\1"}"#) }
    }
}

@Suite struct SchemaRegexTests {
    @Test(arguments: [
        ("^[0-9]+$", "123", true), ("^[0-9]+$", "12a", false), ("^[0-9]+$", "", false),
        ("^[0-9]{10}", "1234567890123", true), ("^[0-9]{10}", "123456789", false),
        ("^[0-9]{2,3}\\.", "45.0b6", true), ("^[0-9]{2,3}\\.", "baddisplayversion", false),
        ("^[0-9]{2,3}\\.", "4.5", false),
        ("^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$", "614b137c-e278-489b-b152-8dc28e82d3c9", true),
        ("^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$", "badid", false),
        (".*[.](USE_COUNTER2_[^.]+|((TOP_LEVEL_)?CONTENT_DOCUMENTS|[^.]+_WORKER)_DESTROYED)", "telemetry.USE_COUNTER2_X_PAGE", true),
        (".*[.](USE_COUNTER2_[^.]+|((TOP_LEVEL_)?CONTENT_DOCUMENTS|[^.]+_WORKER)_DESTROYED)", "a.TOP_LEVEL_CONTENT_DOCUMENTS_DESTROYED", true),
        (".*[.](USE_COUNTER2_[^.]+|((TOP_LEVEL_)?CONTENT_DOCUMENTS|[^.]+_WORKER)_DESTROYED)", "a.SHARED_WORKER_DESTROYED", true),
        (".*[.](USE_COUNTER2_[^.]+|((TOP_LEVEL_)?CONTENT_DOCUMENTS|[^.]+_WORKER)_DESTROYED)", "a.OTHER_DESTROYED", false),
        ("^.*$", "anything", true), ("b+", "abbbc", true), ("^a*?b$", "aaab", true), ("colou?r", "color", true),
        ("^\\d\\w\\s$", "1a ", true), ("^[^a-c]$", "d", true), ("^[^a-c]$", "b", false), ("^é.$", "éx", true),
        ("^(?:ab|cd){2}$", "abcd", true), ("^(?:ab|cd){2}$", "abc", false), ("a{,2}", "a{,2}", true),
    ])
    func matches(pattern: String, text: String, expected: Bool) throws {
        let regex = try SchemaRegex(pattern)
        #expect(regex.matches(text) == expected)
    }

    @Test func longInputDoesNotRecursePerCharacter() throws {
        let text = String(repeating: "a", count: 1_000_000)
        #expect(try SchemaRegex("^.*$").matches(text))
        #expect(try SchemaRegex("^a+?$").matches(text))
        #expect(try SchemaRegex("^[a-z]*b$").matches(text) == false)
    }
}
