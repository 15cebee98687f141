// Validates parsed JSON documents against a JSON Schema loaded from a user-given file.
//
// The validator reports the first rule a document breaks, as a `JSONViolation` whose path
// names the offending value and whose message names the value and the keyword, for example
// `$.payload.histograms.GC_MS.values.abc: member "abc" is not allowed (additionalProperties)`.
// Paths are built only when a rule fails.

import TeleCore

/// Validates documents against a JSON Schema (keywords of drafts 4 to 7, local `$ref` only).
///
/// Supported keywords: `type`, `enum`, `const`, `minimum`, `maximum`, `exclusiveMinimum`,
/// `exclusiveMaximum`, `multipleOf`, `minLength`, `maxLength`, `pattern`, `format`
/// (`date-time`, `date`, `uuid`), `items` (schema or tuple), `additionalItems`, `minItems`,
/// `maxItems`, `uniqueItems`, `contains`, `properties`, `patternProperties`,
/// `additionalProperties`, `required`, `minProperties`, `maxProperties`, `propertyNames`,
/// `dependencies`, `allOf`, `anyOf`, `oneOf`, `not` and `$ref`.
public final class JSONSchemaValidator: Sendable {
    let schemas: [CompiledSchema]
    let root: Int

    /// Loads and compiles the schema at `path`.
    ///
    /// - Throws: `TeleError` 58030 when the file cannot be read, 22032 when it is not JSON,
    ///   22023 when it is not a valid schema or uses an unsupported regular expression.
    public convenience init(path: String) throws {
        try self.init(schemaBytes: try readFileBytes(path: path))
    }

    public init(schemaBytes: [UInt8]) throws {
        let document = try JSONParser().parse(schemaBytes)
        var compiler = SchemaCompiler(document: document)
        root = try compiler.compile(document.root, pointer: "#")
        schemas = compiler.schemas.map { schema in
            guard let schema else { preconditionFailure("every reserved schema slot is compiled") }
            return schema
        }
    }

    /// Returns the first rule `document` breaks, or nil when it is valid.
    public func firstViolation(in document: JSONDocument) -> JSONViolation? {
        let validation = SchemaValidation(schemas: schemas, document: document)
        do {
            try validation.validate(root, document.root) { .root }
            return nil
        } catch {
            return error
        }
    }
}

/// One validation pass over one document.
///
/// A class, so that the path closures created per member capture one reference instead of
/// copying (and retaining) the schema and document arrays.
final class SchemaValidation {
    let schemas: [CompiledSchema]
    let document: JSONDocument

    typealias Path = () -> JSONPath

    init(schemas: [CompiledSchema], document: JSONDocument) {
        self.schemas = schemas
        self.document = document
    }

    func validate(_ schemaIndex: Int, _ node: Int, _ path: Path) throws(JSONViolation) {
        // Keep the class reference: copying the keywords struct would retain every array in it.
        let schema = schemas[schemaIndex]
        if let constant = schema.keywords.constant {
            if !constant { throw JSONViolation(path: path(), message: "no value is allowed here (false schema)") }
            return
        }
        if let reference = schema.keywords.reference {
            try validate(reference, node, path)
            return
        }
        if let types = schema.keywords.types, !matches(types, node) {
            throw JSONViolation(
                path: path(), message: "expected type \(types.description), found \(describe(node)) (type)")
        }
        if let allowed = schema.keywords.allowedValues, !allowed.contains(where: { equals(node, $0) }) {
            let list = allowed.map(\.description).joined(separator: ", ")
            throw JSONViolation(path: path(), message: "value \(describe(node)) is not one of [\(list)] (enum)")
        }
        if let constant = schema.keywords.constValue, !equals(node, constant) {
            throw JSONViolation(path: path(), message: "value \(describe(node)) is not \(constant) (const)")
        }

        switch document.kind(node) {
        case .integer, .double: try validateNumber(schema, node, path)
        case .string: try validateString(schema, node, path)
        case .array: try validateArray(schema, node, path)
        case .object: try validateObject(schema, node, path)
        case .null, .bool: break
        }
        try validateCombinations(schema, node, path)
    }

    // MARK: Scalars

    private func validateNumber(_ schema: CompiledSchema, _ node: Int, _ path: Path) throws(JSONViolation) {
        let value = document.double(node) ?? 0
        var text: String { document.rawText(node) }
        if let minimum = schema.keywords.minimum, value < minimum {
            throw JSONViolation(path: path(), message: "value \(text) is less than the minimum \(format(minimum)) (minimum)")
        }
        if let maximum = schema.keywords.maximum, value > maximum {
            throw JSONViolation(path: path(), message: "value \(text) is greater than the maximum \(format(maximum)) (maximum)")
        }
        if let bound = schema.keywords.exclusiveMinimum, value <= bound {
            throw JSONViolation(path: path(), message: "value \(text) is not greater than \(format(bound)) (exclusiveMinimum)")
        }
        if let bound = schema.keywords.exclusiveMaximum, value >= bound {
            throw JSONViolation(path: path(), message: "value \(text) is not less than \(format(bound)) (exclusiveMaximum)")
        }
        if let divisor = schema.keywords.multipleOf, divisor > 0 {
            let quotient = value / divisor
            if quotient.isFinite, abs(quotient - quotient.rounded()) > 1e-9 * max(1, abs(quotient)) {
                throw JSONViolation(path: path(), message: "value \(text) is not a multiple of \(format(divisor)) (multipleOf)")
            }
        }
    }

    private func validateString(_ schema: CompiledSchema, _ node: Int, _ path: Path) throws(JSONViolation) {
        if schema.keywords.minLength != nil || schema.keywords.maxLength != nil {
            // JSON Schema counts characters as Unicode code points, not bytes.
            let length = document.withStringBytes(node) { bytes in bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } }
            if let minimum = schema.keywords.minLength, length < minimum {
                throw JSONViolation(
                    path: path(), message: "string \(document.rawText(node)) is shorter than \(minimum) characters (minLength)")
            }
            if let maximum = schema.keywords.maxLength, length > maximum {
                throw JSONViolation(
                    path: path(), message: "string \(document.rawText(node)) is longer than \(maximum) characters (maxLength)")
            }
        }
        if let pattern = schema.keywords.pattern, !document.withStringBytes(node, pattern.matches) {
            throw JSONViolation(
                path: path(), message: "string \(document.rawText(node)) does not match pattern \"\(pattern.source)\" (pattern)")
        }
        if let format = schema.keywords.format, !SchemaFormats.matches(format, document.string(node) ?? "") {
            throw JSONViolation(
                path: path(), message: "string \(document.rawText(node)) is not a valid \(format) (format)")
        }
    }

    // MARK: Arrays

    private func validateArray(_ schema: CompiledSchema, _ node: Int, _ path: Path) throws(JSONViolation) {
        let count = document.childCount(node)
        if let minimum = schema.keywords.minItems, count < minimum {
            throw JSONViolation(path: path(), message: "array has \(count) items, fewer than \(minimum) (minItems)")
        }
        if let maximum = schema.keywords.maxItems, count > maximum {
            throw JSONViolation(path: path(), message: "array has \(count) items, more than \(maximum) (maxItems)")
        }
        let elements = document.elements(node)
        if schema.keywords.uniqueItems {
            for first in elements.indices {
                for second in elements.indices where second > first && deepEquals(elements[first], elements[second]) {
                    throw JSONViolation(
                        path: path().appending(index: second),
                        message: "item \(second) repeats item \(first) (uniqueItems)")
                }
            }
        }
        for (position, element) in elements.enumerated() {
            let itemSchema: Int?
            if let tuple = schema.keywords.tupleItems {
                itemSchema = position < tuple.count ? tuple[position] : schema.keywords.additionalItems
            } else {
                itemSchema = schema.keywords.items
            }
            if let itemSchema { try validate(itemSchema, element) { path().appending(index: position) } }
        }
        if let contains = schema.keywords.contains, !elements.contains(where: { isValid(contains, $0) }) {
            throw JSONViolation(path: path(), message: "no item matches the contains schema (contains)")
        }
    }

    // MARK: Objects

    private func validateObject(_ schema: CompiledSchema, _ node: Int, _ path: Path) throws(JSONViolation) {
        for name in schema.keywords.required where document.member(node, name) == nil {
            throw JSONViolation(path: path().appending(name), message: "required member \"\(name)\" is missing (required)")
        }
        let count = document.childCount(node)
        if let minimum = schema.keywords.minProperties, count < minimum {
            throw JSONViolation(path: path(), message: "object has \(count) members, fewer than \(minimum) (minProperties)")
        }
        if let maximum = schema.keywords.maxProperties, count > maximum {
            throw JSONViolation(path: path(), message: "object has \(count) members, more than \(maximum) (maxProperties)")
        }
        for dependency in schema.keywords.dependencies where document.member(node, dependency.name) != nil {
            for name in dependency.required ?? [] where document.member(node, name) == nil {
                throw JSONViolation(
                    path: path().appending(name),
                    message: "member \"\(name)\" is required when \"\(dependency.name)\" is present (dependencies)")
            }
            if let schema = dependency.schema { try validate(schema, node, path) }
        }

        var failure: JSONViolation?
        document.forEachMember(node) { key, value in
            guard failure == nil else { return }
            do throws(JSONViolation) {
                try validateMember(schema, key, value, path)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    private func validateMember(_ schema: CompiledSchema, _ key: Int, _ value: Int, _ path: Path) throws(JSONViolation) {
        func memberPath() -> JSONPath { path().appending(document.string(key) ?? "") }
        if let names = schema.keywords.propertyNames {
            try validate(names, key, memberPath)
        }
        var matched = false
        for property in schema.keywords.properties {
            let equal = property.name.withUnsafeBufferPointer { document.keyEquals(key, $0) }
            if equal {
                matched = true
                try validate(property.schema, value, memberPath)
                break
            }
        }
        for pattern in schema.keywords.patternProperties where document.withStringBytes(key, pattern.regex.matches) {
            matched = true
            try validate(pattern.schema, value, memberPath)
        }
        if !matched, let additional = schema.keywords.additionalProperties {
            if schemas[additional].keywords.constant == false {
                throw JSONViolation(
                    path: memberPath(), message: "member \(document.rawText(key)) is not allowed (additionalProperties)")
            }
            try validate(additional, value, memberPath)
        }
    }

    // MARK: Combinations

    private func validateCombinations(_ schema: CompiledSchema, _ node: Int, _ path: Path) throws(JSONViolation) {
        for part in schema.keywords.allOf { try validate(part, node, path) }
        if !schema.keywords.anyOf.isEmpty {
            var firstFailure: JSONViolation?
            var anyMatched = false
            for alternative in schema.keywords.anyOf {
                do throws(JSONViolation) {
                    try validate(alternative, node, path)
                    anyMatched = true
                    break
                } catch {
                    if firstFailure == nil { firstFailure = error }
                }
            }
            if !anyMatched {
                let reason = firstFailure.map { ", the first because \($0.path): \($0.message)" } ?? ""
                throw JSONViolation(
                    path: path(), message: "value matches none of the \(schema.keywords.anyOf.count) schemas\(reason) (anyOf)")
            }
        }
        if !schema.keywords.oneOf.isEmpty {
            let matches = schema.keywords.oneOf.filter { isValid($0, node) }.count
            if matches != 1 {
                throw JSONViolation(
                    path: path(),
                    message: "value matches \(matches) of the \(schema.keywords.oneOf.count) schemas instead of exactly one (oneOf)")
            }
        }
        if let not = schema.keywords.not, isValid(not, node) {
            throw JSONViolation(path: path(), message: "value matches a schema it must not match (not)")
        }
    }

    // MARK: Helpers

    private func isValid(_ schema: Int, _ node: Int) -> Bool {
        do throws(JSONViolation) {
            try validate(schema, node) { .root }
            return true
        } catch {
            return false
        }
    }

    private func matches(_ types: SchemaTypes, _ node: Int) -> Bool {
        switch document.kind(node) {
        case .null: return types.contains(.null)
        case .bool: return types.contains(.boolean)
        case .integer: return types.contains(.integer) || types.contains(.number)
        case .double:
            if types.contains(.number) { return true }
            // JSON Schema counts 1.0 as an integer.
            return types.contains(.integer) && document.int64(node) != nil
        case .string: return types.contains(.string)
        case .array: return types.contains(.array)
        case .object: return types.contains(.object)
        }
    }

    private func equals(_ node: Int, _ value: SchemaValue) -> Bool {
        switch (document.kind(node), value) {
        case (.null, .null): return true
        case (.bool, .bool(let flag)): return document.bool(node) == flag
        case (.integer, .number(let number)), (.double, .number(let number)): return document.double(node) == number
        case (.string, .string(let text)): return document.stringEquals(node, text)
        case (.array, .array(let items)):
            let elements = document.elements(node)
            return elements.count == items.count && zip(elements, items).allSatisfy { equals($0, $1) }
        case (.object, .object(let members)):
            guard document.childCount(node) == members.count else { return false }
            return members.allSatisfy { member in document.member(node, member.0).map { equals($0, member.1) } ?? false }
        default: return false
        }
    }

    /// Equality of two values of the document, as `uniqueItems` defines it.
    private func deepEquals(_ first: Int, _ second: Int) -> Bool {
        let firstKind = document.kind(first)
        let secondKind = document.kind(second)
        let numeric: Set<JSONKind> = [.integer, .double]
        if numeric.contains(firstKind), numeric.contains(secondKind) {
            return document.double(first) == document.double(second)
        }
        guard firstKind == secondKind else { return false }
        switch firstKind {
        case .null: return true
        case .bool: return document.bool(first) == document.bool(second)
        case .string: return document.withStringBytes(first) { bytes in document.keyEquals(second, bytes) }
        case .array:
            let left = document.elements(first)
            let right = document.elements(second)
            return left.count == right.count && zip(left, right).allSatisfy { deepEquals($0, $1) }
        case .object:
            guard document.childCount(first) == document.childCount(second) else { return false }
            var equal = true
            document.forEachMember(first) { key, value in
                guard equal else { return }
                let other = document.withStringBytes(key) { document.member(second, bytes: $0) }
                equal = other.map { deepEquals(value, $0) } ?? false
            }
            return equal
        case .integer, .double: return false
        }
    }

    private func describe(_ node: Int) -> String {
        let kind = document.kind(node)
        switch kind {
        case .array, .object: return kind.name
        default: return "\(kind.name) \(document.rawText(node))"
        }
    }

    private func format(_ value: Double) -> String { Value.formatDouble(value) }
}

/// Checks for the `format` values `date-time`, `date` and `uuid`. Other formats are only
/// annotations, which the JSON Schema specification allows.
enum SchemaFormats {
    static func matches(_ format: String, _ text: String) -> Bool {
        switch format {
        case "date-time":
            // RFC 3339 requires the `T` (or `t`) separator and a zone.
            let bytes = Array(text.utf8)
            guard bytes.count >= 20, bytes[10] | 0x20 == UInt8(ascii: "t") else { return false }
            let last = bytes[bytes.count - 1]
            let hasZone = last | 0x20 == UInt8(ascii: "z") || bytes[bytes.count - 6] == UInt8(ascii: "+")
                || bytes[bytes.count - 6] == UInt8(ascii: "-")
            return hasZone && DateTime.parseTimestamp(text.uppercased()) != nil
        case "date":
            return text.utf8.count == 10 && DateTime.parseDate(text) != nil
        case "uuid":
            let bytes = Array(text.utf8)
            guard bytes.count == 36 else { return false }
            for (index, byte) in bytes.enumerated() {
                if [8, 13, 18, 23].contains(index) {
                    if byte != UInt8(ascii: "-") { return false }
                } else if JSONEscapes.hexValue(byte) == nil {
                    return false
                }
            }
            return true
        default:
            return true
        }
    }
}
