// Session statements that PostgreSQL drivers send when they open, pool or reset a
// connection: RESET, DISCARD, CLOSE, UNLISTEN, `SET name TO DEFAULT`, and the multi-word
// settings `SHOW TRANSACTION ISOLATION LEVEL` and `SET TRANSACTION ISOLATION LEVEL ...`.

import TeleCore

extension SyntaxParser {
    /// Parses RESET, DISCARD, CLOSE, UNLISTEN, SAVEPOINT or RELEASE at the current word.
    mutating func parseSessionCommand() throws -> Statement {
        let keyword = advance()
        switch keyword.value {
        case "reset":
            if consumeWord("all") { return .reset(name: nil) }
            if let name = parseMultiWordSettingName() { return .reset(name: name) }
            return .reset(name: try parseSessionSettingName())
        case "discard":
            let target = try parseIdentifier(allowKeywords: true, expected: "ALL, PLANS, SEQUENCES or TEMP")
            guard ["all", "plans", "sequences", "temp", "temporary"].contains(target) else {
                throw TeleError.syntax(
                    "syntax error at or near \"\(target)\"", at: keyword.position,
                    hint: "Write DISCARD ALL, DISCARD PLANS, DISCARD SEQUENCES or DISCARD TEMP.")
            }
            return .sessionCommand(.discard(target == "temporary" ? "temp" : target))
        case "deallocate":
            _ = consumeWord("prepare")
            if consumeWord("all") { return .sessionCommand(.deallocate(name: nil)) }
            return .sessionCommand(.deallocate(name: try parseIdentifier(allowKeywords: true, expected: "a statement name or ALL")))
        case "savepoint":
            return .sessionCommand(.savepoint(name: try parseIdentifier(allowKeywords: true, expected: "a savepoint name")))
        case "release":
            _ = consumeWord("savepoint")
            return .sessionCommand(.releaseSavepoint(name: try parseIdentifier(allowKeywords: true, expected: "a savepoint name")))
        case "close":
            if consumeWord("all") { return .closeCursor(name: nil) }
            return .closeCursor(name: try parseIdentifier(allowKeywords: true, expected: "a cursor name or ALL"))
        default:
            if consumeSymbol("*") { return .unlisten(channel: nil) }
            return .unlisten(channel: try parseIdentifier(allowKeywords: true, expected: "a channel name or *"))
        }
    }

    /// Parses `TO [SAVEPOINT] name` after ROLLBACK, or returns nil when TO does not follow.
    mutating func parseRollbackToSavepoint() throws -> Statement? {
        guard consumeWord("to") else { return nil }
        _ = consumeWord("savepoint")
        return .sessionCommand(.rollbackToSavepoint(name: try parseIdentifier(allowKeywords: true, expected: "a savepoint name")))
    }

    /// Reads the multi-word settings PostgreSQL accepts in SHOW and RESET, such as
    /// `TRANSACTION ISOLATION LEVEL` and `TIME ZONE`, as their one-word names. Returns nil
    /// and moves nothing when none starts here.
    mutating func parseMultiWordSettingName() -> String? {
        if current.isWord("transaction"), peek().isWord("isolation"), peek(2).isWord("level") {
            advance()
            advance()
            advance()
            return "transaction_isolation"
        }
        if current.isWord("time"), peek().isWord("zone") {
            advance()
            advance()
            return "timezone"
        }
        if current.isWord("session"), peek().isWord("authorization") {
            advance()
            advance()
            return "session_authorization"
        }
        return nil
    }

    /// Parses what follows `SET` when it is not `name = value`: `SET TRANSACTION ...`,
    /// `SET SESSION CHARACTERISTICS AS TRANSACTION ...` and `SET TIME ZONE value`. Returns
    /// nil and moves nothing otherwise.
    mutating func parseSpecialSet() throws -> Statement? {
        let at = current.position
        if current.isWord("time"), peek().isWord("zone") {
            advance()
            advance()
            if consumeWord("local") || consumeWord("default") { return .reset(name: "timezone") }
            return .set(name: "timezone", value: try parseExpression())
        }
        var name = "transaction_isolation"
        if current.isWord("characteristics"), peek().isWord("as"), peek(2).isWord("transaction") {
            advance()
            advance()
            name = "default_transaction_isolation"
        } else if !current.isWord("transaction") {
            return nil
        }
        try expectWord("transaction")
        // Every transaction mode is accepted, but only the isolation level is stored.
        var level: String?
        repeat {
            if consumeWord("isolation") {
                try expectWord("level")
                var words = [try parseIdentifier(allowKeywords: true, expected: "an isolation level")]
                if words[0] == "read" || words[0] == "repeatable" {
                    words.append(try parseIdentifier(allowKeywords: true, expected: "an isolation level"))
                }
                level = words.joined(separator: " ")
            } else if consumeWord("read") {
                guard consumeWord("only") || consumeWord("write") else { throw unexpected(hint: "Write READ ONLY or READ WRITE.") }
            } else if consumeWord("not") {
                try expectWord("deferrable")
            } else if !consumeWord("deferrable") {
                throw unexpected(hint: "Write ISOLATION LEVEL, READ ONLY, READ WRITE or DEFERRABLE.")
            }
        } while consumeSymbol(",") || current.kind == .word
        guard let level else { return .sessionCommand(.transactionModes) }
        return .set(name: name, value: Expression(.literal(.string(level)), at: at))
    }

    private mutating func parseSessionSettingName() throws -> String {
        var parts = [try parseIdentifier(allowKeywords: true, expected: "a setting name")]
        while consumeSymbol(".") {
            parts.append(try parseIdentifier(allowKeywords: true, expected: "a setting name"))
        }
        return parts.joined(separator: ".")
    }
}
