// Locations inside a JSON document, written as JSONPath (`$.payload.histograms.GC_MS.values.abc`).
//
// Checks keep a path as a cheap array of components while they walk a document and render
// the text only when they report a problem.

/// A location inside a JSON document.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public private(set) var components: [Component]

    public init(_ components: [Component] = []) {
        self.components = components
    }

    public static let root = JSONPath()

    public func appending(_ key: String) -> JSONPath {
        JSONPath(components + [.key(key)])
    }

    public func appending(index: Int) -> JSONPath {
        JSONPath(components + [.index(index)])
    }

    /// The path in JSONPath notation. Keys made of letters, digits, `_` and `-` use dot
    /// notation; others use `['...']` with `'` and `\` escaped.
    public var description: String {
        var text = "$"
        for component in components {
            switch component {
            case .index(let index):
                text += "[\(index)]"
            case .key(let key):
                if !key.isEmpty, key.utf8.allSatisfy(JSONPath.isPlainKeyByte) {
                    text += "." + key
                } else {
                    var escaped = ""
                    for character in key {
                        if character == "'" || character == "\\" { escaped.append("\\") }
                        escaped.append(character)
                    }
                    text += "['" + escaped + "']"
                }
            }
        }
        return text
    }

    private static func isPlainKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}

/// A problem found in a document: where it is and what is wrong.
public struct JSONViolation: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: JSONPath
    /// The problem, lowercase, naming the offending value.
    public var message: String

    public init(path: JSONPath, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
