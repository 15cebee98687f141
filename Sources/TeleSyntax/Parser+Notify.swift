// LISTEN, UNLISTEN and NOTIFY: PostgreSQL's asynchronous notifications between sessions.
//
// The parser only reads the statements. The wire server keeps the channels and delivers the
// notifications, because only a server has several sessions that can hear each other.

import TeleCore

extension SyntaxParser {
    /// Reads `LISTEN channel` or `NOTIFY channel [, 'payload']`. UNLISTEN is read with the
    /// other statements that reset a pooled connection.
    mutating func parseNotificationStatement() throws -> Statement {
        let keyword = advance().value
        switch keyword {
        case "listen":
            return .listen(channel: try parseIdentifier(allowKeywords: true, expected: "a channel name"))
        default:
            let channel = try parseIdentifier(allowKeywords: true, expected: "a channel name")
            guard consumeSymbol(",") else { return .notify(channel: channel, payload: nil) }
            guard current.kind == .string else {
                throw unexpected(hint: "Write the payload as a string literal, such as NOTIFY alerts, 'disk full'.")
            }
            return .notify(channel: channel, payload: advance().value)
        }
    }
}
