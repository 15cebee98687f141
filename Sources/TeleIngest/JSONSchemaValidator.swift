// A JSON Schema validator loaded from a user-given schema file.

import TeleCore

/// Validates documents against a JSON Schema.
public final class JSONSchemaValidator: Sendable {
    let schema: JSONDocument

    /// Loads the schema at `path`.
    ///
    /// - Throws: `TeleError` 58030 when the file cannot be read, 22032 when it is not JSON.
    public convenience init(path: String) throws {
        try self.init(schemaBytes: try readFileBytes(path: path))
    }

    public init(schemaBytes: [UInt8]) throws {
        schema = try JSONParser().parse(schemaBytes)
    }

    /// Returns the first rule `document` breaks, or nil when it is valid.
    public func firstViolation(in document: JSONDocument) -> JSONViolation? {
        // TODO: the keyword checks are not written yet; every document passes.
        nil
    }
}
