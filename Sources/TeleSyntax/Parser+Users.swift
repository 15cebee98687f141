// The statements that manage the users the wire server authenticates, in PostgreSQL's syntax:
//
//     CREATE USER name [WITH] [LOGIN] [ENCRYPTED] PASSWORD 'secret'
//     CREATE ROLE name [WITH] LOGIN [ENCRYPTED] PASSWORD 'secret'
//     ALTER USER | ROLE name [WITH] [ENCRYPTED] PASSWORD 'secret'
//     DROP USER | ROLE [IF EXISTS] name [, ...]
//
// A password must never reach a log, an error message or the statement text that monitors
// show. So the tree prints passwords as asterisks, errors near a string literal here do not
// quote it, and `Parser.redactingPasswords(in:)` masks the literal after every PASSWORD keyword.

import TeleCore

/// CREATE, ALTER or DROP of a user (a role with LOGIN).
public enum UserStatement: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// `CREATE USER` or `CREATE ROLE ... LOGIN`. The password is the literal as written: a
    /// cleartext password, or a SCRAM-SHA-256 verifier that the executor stores unchanged.
    case create(name: String, password: String)
    case alterPassword(name: String, password: String)
    case drop(names: [String], ifExists: Bool)

    /// The statement as SQL with the password replaced by asterisks.
    public var description: String {
        switch self {
        case .create(let name, _): return "CREATE USER \(name) PASSWORD '********'"
        case .alterPassword(let name, _): return "ALTER USER \(name) PASSWORD '********'"
        case .drop(let names, let ifExists):
            return "DROP USER \(ifExists ? "IF EXISTS " : "")\(names.joined(separator: ", "))"
        }
    }

    public var debugDescription: String { description }
}

extension Parser {
    /// The text that replaces a password literal in redacted SQL.
    public static let redactedPassword = "'********'"

    /// Returns `sql` with every string literal that follows the keyword PASSWORD replaced by
    /// `'********'`, for logs, monitors and error reports.
    ///
    /// When `sql` cannot be tokenized, for example because a quote is not closed, everything
    /// after the first "password" (in any case) is replaced, because the literal's end is unknown.
    public static func redactingPasswords(in sql: String) -> String {
        var bytes = Array(sql.utf8)
        guard let tokens = try? Lexer.tokenize(sql) else {
            guard let end = endOfFirstPasswordWord(in: bytes) else { return sql }
            return String(decoding: bytes[..<end], as: UTF8.self) + " ********"
        }
        // Replace from the end so that earlier byte offsets stay valid.
        for index in tokens.indices.reversed() where index > 0 {
            let token = tokens[index]
            guard token.kind == .string, tokens[index - 1].isWord("password") else { continue }
            let start = token.position.offset
            let end = min(start + token.text.utf8.count, bytes.count)
            bytes.replaceSubrange(start..<end, with: Array(redactedPassword.utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Returns the byte offset just past the first "password" in any ASCII case, or nil.
    private static func endOfFirstPasswordWord(in bytes: [UInt8]) -> Int? {
        let word = Array("password".utf8)
        guard bytes.count >= word.count else { return nil }
        for start in 0...(bytes.count - word.count) {
            // ORing 0x20 lower-cases ASCII letters, and "password" has letters only.
            if (0..<word.count).allSatisfy({ bytes[start + $0] | 0x20 == word[$0] }) {
                return start + word.count
            }
        }
        return nil
    }
}

extension SyntaxParser {
    /// Parses the rest of `CREATE USER` or `CREATE ROLE`, from USER or ROLE on.
    mutating func parseCreateUser() throws -> Statement {
        let isRole = current.isWord("role")
        advance()
        let name = try parseIdentifier(expected: "a role name")
        _ = consumeWord("with")

        var login = !isRole
        var password: String?
        while current.kind == .word {
            switch current.value {
            case "login":
                advance()
                login = true
            case "encrypted", "password":
                password = try parsePasswordOption()
            case "nologin":
                throw notSupported("NOLOGIN roles are not supported", hint: "Create a user that can log in.")
            default:
                throw notSupported(
                    "role option \(current.value.uppercased()) is not supported",
                    hint: "TeleDB users take LOGIN and PASSWORD only.")
            }
        }
        try rejectStringLiteral()
        guard login else {
            throw notSupported("CREATE ROLE without LOGIN is not supported", hint: "Add LOGIN, or use CREATE USER.")
        }
        guard let password else {
            throw notSupported("a user without a password is not supported", hint: "Add PASSWORD 'secret'.")
        }
        return .user(.create(name: name, password: password))
    }

    /// Parses `ALTER USER | ROLE name [WITH] [ENCRYPTED] PASSWORD 'secret'`.
    mutating func parseAlterUser() throws -> Statement {
        try expectWord("alter")
        guard current.isWord("user") || current.isWord("role") else {
            throw unexpected(hint: "Expected USER or ROLE after ALTER.")
        }
        advance()
        let name = try parseIdentifier(expected: "a role name")
        _ = consumeWord("with")
        guard current.isWord("password") || current.isWord("encrypted") else {
            try rejectStringLiteral()
            throw notSupported(
                "ALTER USER supports changing the password only", hint: "Write ALTER USER name PASSWORD 'secret'.")
        }
        let password = try parsePasswordOption()
        try rejectStringLiteral()
        return .user(.alterPassword(name: name, password: password))
    }

    /// Parses the rest of `DROP USER | ROLE [IF EXISTS] name [, ...]`, from USER or ROLE on.
    mutating func parseDropUser() throws -> Statement {
        advance()
        let ifExists = try parseIfExists()
        var names = [try parseIdentifier(expected: "a role name")]
        while consumeSymbol(",") {
            names.append(try parseIdentifier(expected: "a role name"))
        }
        return .user(.drop(names: names, ifExists: ifExists))
    }

    /// Parses `[ENCRYPTED] PASSWORD 'literal'` and returns the literal's value.
    private mutating func parsePasswordOption() throws -> String {
        // ENCRYPTED is accepted for PostgreSQL compatibility: passwords are always stored as
        // SCRAM-SHA-256 verifiers.
        _ = consumeWord("encrypted")
        try expectWord("password")
        if current.isWord("null") {
            throw notSupported("PASSWORD NULL is not supported", hint: "Use DROP USER to remove a user.")
        }
        guard current.kind == .string else {
            throw unexpected(hint: "Write the password as a string literal, such as PASSWORD 'secret'.")
        }
        return advance().value
    }

    /// Throws a syntax error that does not quote the current token when it is a string literal,
    /// because a misplaced literal in these statements is most likely a password.
    private func rejectStringLiteral() throws {
        guard current.kind == .string else { return }
        throw TeleError.syntax(
            "syntax error at or near a string literal", at: current.position,
            hint: "Write PASSWORD before the password, such as PASSWORD 'secret'.")
    }
}
