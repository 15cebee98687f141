// The startup phase: SSLRequest, GSSENCRequest and CancelRequest packets, the startup
// packet itself, authentication, and the ParameterStatus and BackendKeyData messages that
// precede the first ReadyForQuery.

import TeleCore
import TeleSecurity
import TeleDB
import TeleSyntax

extension ClientConnection: AuthenticationExchange {
    /// The settings reported in ParameterStatus at startup, by lower-cased name, with the
    /// spelling PostgreSQL 15 sends. After a SET of one of them the new value is sent again.
    static let reportedSettings: [(key: String, name: String)] = [
        ("application_name", "application_name"), ("client_encoding", "client_encoding"), ("datestyle", "DateStyle"),
        ("integer_datetimes", "integer_datetimes"), ("intervalstyle", "IntervalStyle"), ("is_superuser", "is_superuser"),
        ("server_encoding", "server_encoding"), ("server_version", "server_version"),
        ("session_authorization", "session_authorization"), ("standard_conforming_strings", "standard_conforming_strings"),
        ("timezone", "TimeZone"),
    ]

    /// Runs the startup phase.
    ///
    /// - Returns: true once the client is ready for queries; false for a CancelRequest or a
    ///   client that closed the connection first.
    func startup() throws -> Bool {
        while true {
            guard let packet = try channel.readStartupPacket() else { return false }
            var reader = MessageReader(packet, messageName: "startup")
            let code = try reader.int32()
            switch code {
            case StartupCode.sslRequest:
                try reader.finish()
                guard try negotiateTLS() else { return false }
            case StartupCode.gssEncryptionRequest:
                try reader.finish()
                try sendRaw(UInt8(ascii: "N"))
            case StartupCode.cancelRequest:
                let targetID = try reader.int32()
                let secretKey = try reader.int32()
                try reader.finish()
                server.cancel(processID: targetID, secretKey: secretKey)
                return false
            default:
                guard code >> 16 == 3 else {
                    throw ConnectionEnd.fatal(
                        TeleError(
                            .featureNotSupported, "unsupported frontend protocol \(code >> 16).\(code & 0xFFFF)",
                            hint: "TeleDB speaks protocol 3.0, which every current PostgreSQL driver uses."))
                }
                try completeStartup(parameters: try readStartupParameters(&reader))
                return true
            }
        }
    }

    /// Replies to an SSLRequest: `S` and a TLS handshake when TLS is configured, else `N`.
    ///
    /// - Returns: false when the handshake failed and the connection must close.
    private func negotiateTLS() throws -> Bool {
        // Bytes sent after the SSLRequest but before the reply would be read as if they had
        // come over TLS, so PostgreSQL rejects them too.
        if channel.hasBufferedInput {
            throw ProtocolViolation.malformed("data was sent after SSLRequest before the server replied")
        }
        guard let tls = configuration.tls, !isEncrypted else {
            try sendRaw(UInt8(ascii: "N"))
            return true
        }
        try sendRaw(UInt8(ascii: "S"))
        do {
            channel.replaceStream(try tls.accept(fileDescriptor: channel.stream.fileDescriptor))
            isEncrypted = true
            return true
        } catch {
            log.error("connection \(processID): TLS handshake failed: \(error)")
            return false
        }
    }

    private func readStartupParameters(_ reader: inout MessageReader) throws -> [String: String] {
        var parameters: [String: String] = [:]
        while true {
            let name = try reader.cString()
            if name.isEmpty { break }
            parameters[name] = try reader.cString()
        }
        try reader.finish()
        return parameters
    }

    private func completeStartup(parameters: [String: String]) throws {
        guard let user = parameters["user"], !user.isEmpty else {
            throw ConnectionEnd.fatal(
                TeleError(SQLState("28000"), "no user name specified in startup packet", hint: "Pass a user name, such as psql -U name."))
        }
        self.user = user
        databaseName = parameters["database"].flatMap { $0.isEmpty ? nil : $0 } ?? user
        if let encoding = parameters["client_encoding"] {
            try checkClientEncoding(encoding)
        }
        do {
            let authenticator = configuration.authenticator ?? UserAuthenticator(database: server.database)
            try authenticator.authenticate(user: user, database: databaseName, exchange: self)
        } catch let error as TeleError {
            throw ConnectionEnd.fatal(error)
        }
        let newHandle = try ConnectionHandle(
            processID: processID, secretKey: Int32.random(in: Int32.min...Int32.max), monitor: session.monitor,
            socket: channel.stream.fileDescriptor)
        guard server.register(newHandle) else {
            throw ConnectionEnd.fatal(
                TeleError(
                    SQLState("53300"), "sorry, too many clients already",
                    hint: "Close idle connections, or start the server with more room."))
        }
        handle = newHandle
        // current_user, current_database() and pg_backend_pid() report the login.
        session.userName = user
        session.databaseName = databaseName
        session.backendProcessID = processID
        let applicationName = parameters["application_name"] ?? ""
        if !applicationName.isEmpty { try? applySetting("application_name", applicationName) }
        for key in Self.resettableSettings { initialSettings[key] = settingValue(key) }
        log.info(
            "connection \(processID) authorized: user=\(user) database=\(databaseName) application_name=\(applicationName)"
                + (isEncrypted ? " tls=on" : ""))

        writer.begin(.authentication)
        writer.int32(0)
        writer.end()
        for setting in Self.reportedSettings { writeParameterStatus(setting.name, value: settingValue(setting.key)) }
        writer.begin(.backendKeyData)
        writer.int32(processID)
        writer.int32(newHandle.secretKey)
        writer.end()
        writeReadyForQuery()
    }

    private func checkClientEncoding(_ encoding: String) throws {
        let normalized = encoding.lowercased().filter { $0 != "-" && $0 != "_" && $0 != "'" }
        guard ["utf8", "unicode", "auto"].contains(normalized) else {
            throw ConnectionEnd.fatal(
                TeleError(
                    .invalidParameterValue, "invalid value for parameter \"client_encoding\": \"\(encoding)\"",
                    hint: "TeleDB sends and reads UTF8 only; set client_encoding to UTF8."))
        }
    }

    // MARK: Settings

    /// The current value of a reported setting, as SHOW returns it.
    func settingValue(_ key: String) -> String {
        switch key {
        case "server_encoding", "client_encoding": return "UTF8"
        case "integer_datetimes", "standard_conforming_strings", "is_superuser": return "on"
        case "session_authorization": return user
        case "intervalstyle": return "postgres"
        default:
            guard let result = try? session.run(.show(name: key), text: "SHOW \(key)"),
                let value = result.rows.first?.first?.text
            else { return "" }
            return value
        }
    }

    func applySetting(_ name: String, _ value: String) throws {
        let position = SourcePosition(offset: 0, line: 1, column: 1)
        _ = try session.run(.set(name: name, value: Expression(.literal(.string(value)), at: position)), text: "SET")
    }

    func writeParameterStatus(_ name: String, value: String) {
        writer.begin(.parameterStatus)
        writer.cString(name)
        writer.cString(value)
        writer.end()
    }

    /// Sends one byte outside any message, the reply to SSLRequest and GSSENCRequest.
    private func sendRaw(_ byte: UInt8) throws {
        var answer = byte
        try withUnsafeBytes(of: &answer) { try channel.stream.write($0) }
    }

    // MARK: AuthenticationExchange

    func sendAuthenticationRequest(code: Int32, data: [UInt8]) throws {
        writer.begin(.authentication)
        writer.int32(code)
        writer.bytes(data)
        writer.end()
        try channel.send(&writer)
    }

    func readPasswordMessage() throws -> [UInt8] {
        guard let (type, body) = try channel.readMessage() else { throw ConnectionEnd.clientClosed }
        guard type == FrontendMessage.password.rawValue else {
            throw ProtocolViolation.malformed("expected a password message during authentication, got type \(type)")
        }
        return body
    }
}
