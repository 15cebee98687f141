// Compiles a JSON Schema document (draft 4 to draft 7 keywords) into an array of schema
// nodes that the validator walks.
//
// Each subschema becomes one `CompiledSchema`, addressed by its index, so `$ref` cycles are
// plain index cycles. Regular expressions are compiled once here. Other keywords
// (`description`, `title`, vendor keys such as `mozPipelineMetadata`) are ignored, as the
// JSON Schema specification requires for unknown keywords.

import TeleCore

/// A value from the schema (for `enum` and `const`), kept independent of the schema document.
indirect enum SchemaValue: Sendable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([SchemaValue])
    case object([(String, SchemaValue)])

    var description: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let value): return Value.formatDouble(value)
        case .string(let value): return "\"\(value)\""
        case .array(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .object(let members): return "{" + members.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
        }
    }
}

/// The JSON Schema type names as a bit set.
struct SchemaTypes: OptionSet, Sendable {
    let rawValue: UInt8
    static let null = SchemaTypes(rawValue: 1)
    static let boolean = SchemaTypes(rawValue: 2)
    static let integer = SchemaTypes(rawValue: 4)
    static let number = SchemaTypes(rawValue: 8)
    static let string = SchemaTypes(rawValue: 16)
    static let array = SchemaTypes(rawValue: 32)
    static let object = SchemaTypes(rawValue: 64)

    static let names: [(String, SchemaTypes)] = [
        ("null", .null), ("boolean", .boolean), ("integer", .integer), ("number", .number), ("string", .string),
        ("array", .array), ("object", .object),
    ]

    var description: String {
        SchemaTypes.names.filter { contains($0.1) }.map { "\"\($0.0)\"" }.joined(separator: " or ")
    }
}

/// The keywords of one subschema. Indices refer to `JSONSchemaValidator.schemas`.
struct SchemaKeywords: Sendable {
    /// A boolean schema: true accepts everything, false rejects everything.
    var constant: Bool?
    var reference: Int?
    var types: SchemaTypes?
    var allowedValues: [SchemaValue]?
    var constValue: SchemaValue?

    var minimum: Double?
    var maximum: Double?
    var exclusiveMinimum: Double?
    var exclusiveMaximum: Double?
    var multipleOf: Double?

    var minLength: Int?
    var maxLength: Int?
    var pattern: SchemaRegex?
    var format: String?

    var items: Int?
    var tupleItems: [Int]?
    var additionalItems: Int?
    var minItems: Int?
    var maxItems: Int?
    var uniqueItems = false
    var contains: Int?

    var properties: [(name: [UInt8], schema: Int)] = []
    var patternProperties: [(regex: SchemaRegex, schema: Int)] = []
    var additionalProperties: Int?
    var required: [String] = []
    var minProperties: Int?
    var maxProperties: Int?
    var propertyNames: Int?
    var dependencies: [(name: String, required: [String]?, schema: Int?)] = []

    var allOf: [Int] = []
    var anyOf: [Int] = []
    var oneOf: [Int] = []
    var not: Int?
}

final class CompiledSchema: Sendable {
    let keywords: SchemaKeywords
    /// The JSON pointer of the subschema in the schema file, for messages.
    let pointer: String

    init(keywords: SchemaKeywords, pointer: String) {
        self.keywords = keywords
        self.pointer = pointer
    }
}

/// Builds `CompiledSchema`s from a parsed schema document.
struct SchemaCompiler {
    let document: JSONDocument
    private(set) var schemas: [CompiledSchema?] = []
    private var indexByNode: [Int: Int] = [:]

    init(document: JSONDocument) {
        self.document = document
    }

    /// Compiles the subschema at `node` (once) and returns its index.
    mutating func compile(_ node: Int, pointer: String) throws -> Int {
        if let existing = indexByNode[node] { return existing }
        let index = schemas.count
        schemas.append(nil)
        indexByNode[node] = index

        var keywords = SchemaKeywords()
        switch document.kind(node) {
        case .bool:
            keywords.constant = document.bool(node)
        case .object:
            try compileKeywords(node, pointer: pointer, into: &keywords)
        default:
            throw invalid("the schema at \(pointer) is a JSON \(document.kind(node).name), not an object or boolean")
        }
        schemas[index] = CompiledSchema(keywords: keywords, pointer: pointer)
        return index
    }

    private mutating func compileKeywords(_ node: Int, pointer: String, into keywords: inout SchemaKeywords) throws {
        if let reference = document.member(node, "$ref") {
            guard let text = document.string(reference) else { throw invalid("$ref at \(pointer) is not a string") }
            let target = try resolve(text, at: pointer)
            keywords.reference = try compile(target, pointer: text)
            // Draft 4 to 7 ignore every keyword beside $ref.
            return
        }
        if let type = document.member(node, "type") { keywords.types = try types(type, pointer: pointer) }
        if let values = document.member(node, "enum") {
            guard document.kind(values) == .array else { throw invalid("enum at \(pointer) is not an array") }
            keywords.allowedValues = document.elements(values).map(value)
        }
        if let constant = document.member(node, "const") { keywords.constValue = value(constant) }

        keywords.minimum = number(node, "minimum")
        keywords.maximum = number(node, "maximum")
        // Draft 4 writes exclusiveMinimum as a boolean that modifies minimum; later drafts as
        // a number of its own.
        if let exclusive = document.member(node, "exclusiveMinimum") {
            if document.bool(exclusive) == true {
                keywords.exclusiveMinimum = keywords.minimum
                keywords.minimum = nil
            } else if let bound = document.double(exclusive) {
                keywords.exclusiveMinimum = bound
            }
        }
        if let exclusive = document.member(node, "exclusiveMaximum") {
            if document.bool(exclusive) == true {
                keywords.exclusiveMaximum = keywords.maximum
                keywords.maximum = nil
            } else if let bound = document.double(exclusive) {
                keywords.exclusiveMaximum = bound
            }
        }
        keywords.multipleOf = number(node, "multipleOf")

        keywords.minLength = count(node, "minLength")
        keywords.maxLength = count(node, "maxLength")
        if let pattern = document.member(node, "pattern").flatMap(document.string) {
            keywords.pattern = try SchemaRegex(pattern)
        }
        keywords.format = document.member(node, "format").flatMap(document.string)

        try compileArrayKeywords(node, pointer: pointer, into: &keywords)
        try compileObjectKeywords(node, pointer: pointer, into: &keywords)

        keywords.allOf = try schemaList(node, "allOf", pointer: pointer)
        keywords.anyOf = try schemaList(node, "anyOf", pointer: pointer)
        keywords.oneOf = try schemaList(node, "oneOf", pointer: pointer)
        if let not = document.member(node, "not") { keywords.not = try compile(not, pointer: pointer + "/not") }
    }

    private mutating func compileArrayKeywords(_ node: Int, pointer: String, into keywords: inout SchemaKeywords) throws {
        if let items = document.member(node, "items") {
            if document.kind(items) == .array {
                var tuple: [Int] = []
                for (position, item) in document.elements(items).enumerated() {
                    tuple.append(try compile(item, pointer: pointer + "/items/\(position)"))
                }
                keywords.tupleItems = tuple
            } else {
                keywords.items = try compile(items, pointer: pointer + "/items")
            }
        }
        if let additional = document.member(node, "additionalItems") {
            keywords.additionalItems = try compile(additional, pointer: pointer + "/additionalItems")
        }
        keywords.minItems = count(node, "minItems")
        keywords.maxItems = count(node, "maxItems")
        keywords.uniqueItems = document.member(node, "uniqueItems").flatMap(document.bool) ?? false
        if let contains = document.member(node, "contains") {
            keywords.contains = try compile(contains, pointer: pointer + "/contains")
        }
    }

    private mutating func compileObjectKeywords(_ node: Int, pointer: String, into keywords: inout SchemaKeywords) throws {
        if let properties = document.member(node, "properties") {
            var compiled: [(name: [UInt8], schema: Int)] = []
            var failure: Error?
            document.forEachMember(properties) { key, value in
                guard failure == nil else { return }
                let name = document.string(key) ?? ""
                do {
                    compiled.append((Array(name.utf8), try compile(value, pointer: pointer + "/properties/" + name)))
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
            keywords.properties = compiled
        }
        if let patterns = document.member(node, "patternProperties") {
            var compiled: [(regex: SchemaRegex, schema: Int)] = []
            var failure: Error?
            document.forEachMember(patterns) { key, value in
                guard failure == nil else { return }
                let pattern = document.string(key) ?? ""
                do {
                    let schema = try compile(value, pointer: pointer + "/patternProperties/" + pattern)
                    compiled.append((try SchemaRegex(pattern), schema))
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
            keywords.patternProperties = compiled
        }
        if let additional = document.member(node, "additionalProperties") {
            keywords.additionalProperties = try compile(additional, pointer: pointer + "/additionalProperties")
        }
        if let required = document.member(node, "required") {
            keywords.required = document.elements(required).compactMap(document.string)
        }
        keywords.minProperties = count(node, "minProperties")
        keywords.maxProperties = count(node, "maxProperties")
        if let names = document.member(node, "propertyNames") {
            keywords.propertyNames = try compile(names, pointer: pointer + "/propertyNames")
        }
        if let dependencies = document.member(node, "dependencies") {
            var compiled: [(name: String, required: [String]?, schema: Int?)] = []
            for (key, value) in membersOf(dependencies) {
                let name = document.string(key) ?? ""
                if document.kind(value) == .array {
                    compiled.append((name, document.elements(value).compactMap(document.string), nil))
                } else {
                    compiled.append((name, nil, try compile(value, pointer: pointer + "/dependencies/" + name)))
                }
            }
            keywords.dependencies = compiled
        }
    }

    // MARK: Helpers

    private func membersOf(_ object: Int) -> [(Int, Int)] {
        var members: [(Int, Int)] = []
        document.forEachMember(object) { members.append(($0, $1)) }
        return members
    }

    private mutating func schemaList(_ node: Int, _ keyword: String, pointer: String) throws -> [Int] {
        guard let list = document.member(node, keyword) else { return [] }
        guard document.kind(list) == .array else { throw invalid("\(keyword) at \(pointer) is not an array") }
        var result: [Int] = []
        for (position, item) in document.elements(list).enumerated() {
            result.append(try compile(item, pointer: pointer + "/\(keyword)/\(position)"))
        }
        return result
    }

    private func types(_ node: Int, pointer: String) throws -> SchemaTypes {
        let names = document.kind(node) == .array ? document.elements(node) : [node]
        var result: SchemaTypes = []
        for name in names {
            guard let text = document.string(name), let type = SchemaTypes.names.first(where: { $0.0 == text }) else {
                throw invalid("unknown type \(document.rawText(name)) at \(pointer)")
            }
            result.insert(type.1)
        }
        return result
    }

    private func number(_ node: Int, _ key: String) -> Double? {
        document.member(node, key).flatMap(document.double)
    }

    private func count(_ node: Int, _ key: String) -> Int? {
        document.member(node, key).flatMap(document.int64).map { Int(clamping: $0) }
    }

    func value(_ node: Int) -> SchemaValue {
        switch document.kind(node) {
        case .null: return .null
        case .bool: return .bool(document.bool(node) ?? false)
        case .integer, .double: return .number(document.double(node) ?? 0)
        case .string: return .string(document.string(node) ?? "")
        case .array: return .array(document.elements(node).map(value))
        case .object: return .object(membersOf(node).map { (document.string($0.0) ?? "", value($0.1)) })
        }
    }

    /// Finds the node a local `$ref` (`#` or `#/json/pointer`) points to.
    private func resolve(_ reference: String, at pointer: String) throws -> Int {
        guard reference.hasPrefix("#") else {
            throw TeleError(
                .featureNotSupported, "$ref \"\(reference)\" at \(pointer) points outside the schema file",
                hint: "Only references within the same schema file (starting with #) are supported.")
        }
        var node = document.root
        let tokens = reference.dropFirst().split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for rawToken in tokens {
            let token = rawToken.replacing("~1", with: "/").replacing("~0", with: "~")
            if document.kind(node) == .array, let position = Int(token), position >= 0,
                position < document.childCount(node)
            {
                node = document.elements(node)[position]
            } else if let child = document.member(node, String(token)) {
                node = child
            } else {
                throw invalid("$ref \"\(reference)\" at \(pointer) does not resolve")
            }
        }
        return node
    }

    private func invalid(_ message: String) -> TeleError {
        TeleError(.invalidParameterValue, "invalid JSON schema: \(message)", hint: "Fix the schema file.")
    }
}
