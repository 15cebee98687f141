// The one error type of TeleDB: a SQLSTATE code, a message in PostgreSQL's style, and
// optional detail, hint and source position.

/// A five-character SQLSTATE code, as PostgreSQL defines them.
///
/// The first two characters are the class; `isClass` lets callers match a whole class.
public struct SQLState: Hashable, Sendable, CustomStringConvertible {
    public let code: String

    public init(_ code: String) {
        precondition(code.utf8.count == 5, "a SQLSTATE has five characters: \(code)")
        self.code = code
    }

    public var description: String { code }
    public var errorClass: String { String(code.prefix(2)) }
    public func isClass(_ prefix: String) -> Bool { code.hasPrefix(prefix) }

    // Class 0A: feature not supported.
    public static let featureNotSupported = SQLState("0A000")
    // Class 08: connection exception.
    public static let protocolViolation = SQLState("08P01")
    // Class 2B: dependent privilege descriptors still exist.
    public static let dependentObjectsStillExist = SQLState("2BP01")
    // Class 21: cardinality violation.
    public static let cardinalityViolation = SQLState("21000")
    // Class 22: data exception.
    public static let dataException = SQLState("22000")
    public static let stringDataRightTruncation = SQLState("22001")
    public static let numericValueOutOfRange = SQLState("22003")
    public static let nullValueNotAllowed = SQLState("22004")
    public static let invalidDatetimeFormat = SQLState("22007")
    public static let datetimeFieldOverflow = SQLState("22008")
    public static let divisionByZero = SQLState("22012")
    public static let invalidParameterValue = SQLState("22023")
    public static let invalidTextRepresentation = SQLState("22P02")
    public static let invalidJSONText = SQLState("22032")
    public static let badCopyFileFormat = SQLState("22P04")
    // Class 23: integrity constraint violation.
    public static let notNullViolation = SQLState("23502")
    public static let uniqueViolation = SQLState("23505")
    // Class 25: invalid transaction state.
    public static let activeSQLTransaction = SQLState("25001")
    public static let noActiveSQLTransaction = SQLState("25P01")
    public static let inFailedSQLTransaction = SQLState("25P02")
    public static let readOnlySQLTransaction = SQLState("25006")
    // Class 28: invalid authorization specification.
    public static let invalidPassword = SQLState("28P01")
    // Class 40: transaction rollback.
    public static let serializationFailure = SQLState("40001")
    // Class 42: syntax error or access rule violation.
    public static let insufficientPrivilege = SQLState("42501")
    public static let syntaxError = SQLState("42601")
    public static let undefinedColumn = SQLState("42703")
    public static let undefinedFunction = SQLState("42883")
    public static let undefinedTable = SQLState("42P01")
    public static let undefinedObject = SQLState("42704")
    public static let duplicateTable = SQLState("42P07")
    public static let duplicateColumn = SQLState("42701")
    public static let duplicateObject = SQLState("42710")
    public static let ambiguousColumn = SQLState("42702")
    public static let datatypeMismatch = SQLState("42804")
    public static let groupingError = SQLState("42803")
    public static let invalidColumnReference = SQLState("42P10")
    public static let cannotCoerce = SQLState("42846")
    public static let wrongObjectType = SQLState("42809")
    public static let tooManyColumns = SQLState("54011")
    public static let invalidName = SQLState("42602")
    public static let windowingError = SQLState("42P20")
    // Class 53: insufficient resources.
    public static let outOfMemory = SQLState("53200")
    // Class 54: program limit exceeded.
    public static let programLimitExceeded = SQLState("54000")
    public static let statementTooComplex = SQLState("54001")
    // Class 55: object not in prerequisite state.
    /// The database is in use by another process.
    public static let objectInUse = SQLState("55006")
    /// A lock could not be taken in time.
    public static let lockNotAvailable = SQLState("55P03")
    // Class 57: operator intervention.
    public static let queryCanceled = SQLState("57014")
    // Class 58: system error (errors external to TeleDB).
    public static let ioError = SQLState("58030")
    // Class XX: internal error.
    public static let internalError = SQLState("XX000")
    public static let dataCorrupted = SQLState("XX001")
}

/// A position in SQL source text, 1-based, as error messages print it.
public struct SourcePosition: Hashable, Sendable, CustomStringConvertible {
    /// Byte offset from the start of the statement text, 0-based.
    public var offset: Int
    public var line: Int
    public var column: Int

    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column)" }
}

/// An error that a user, a client or the data can cause.
///
/// The message is short and lowercase in PostgreSQL's style and names the offending value;
/// `detail` and `hint` are full sentences, and the hint says how to fix the problem.
/// Broken internal invariants are `precondition` failures, not `TeleError`s.
public struct TeleError: Error, Sendable, CustomStringConvertible, Equatable {
    public var state: SQLState
    public var message: String
    public var detail: String?
    public var hint: String?
    public var position: SourcePosition?

    public init(
        _ state: SQLState, _ message: String, detail: String? = nil, hint: String? = nil,
        position: SourcePosition? = nil
    ) {
        self.state = state
        self.message = message
        self.detail = detail
        self.hint = hint
        self.position = position
    }

    /// The error as the shell prints it: `ERROR 42703: ...` plus detail and hint lines.
    public var description: String {
        var text = "ERROR \(state.code): \(message)"
        if let position { text += " at \(position)" }
        if let detail { text += "\nDETAIL: \(detail)" }
        if let hint { text += "\nHINT: \(hint)" }
        return text
    }

    public static func syntax(_ message: String, at position: SourcePosition?, hint: String? = nil)
        -> TeleError
    {
        TeleError(.syntaxError, message, hint: hint, position: position)
    }

    public static func notSupported(_ message: String, hint: String? = nil) -> TeleError {
        TeleError(.featureNotSupported, message, hint: hint)
    }

    public static func internalError(_ message: String) -> TeleError {
        TeleError(.internalError, "internal error: \(message)", hint: "This is a bug in TeleDB.")
    }
}

/// Returns the candidate closest to `name` by edit distance, for "did you mean" hints.
public func nearestName(to name: String, among candidates: [String]) -> String? {
    let target = Array(name.lowercased().utf8)
    var best: (name: String, distance: Int)?
    for candidate in candidates {
        let distance = editDistance(target, Array(candidate.lowercased().utf8))
        if distance <= max(2, target.count / 2), distance < (best?.distance ?? Int.max) {
            best = (candidate, distance)
        }
    }
    return best?.name
}

/// Levenshtein distance between two byte strings.
public func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
