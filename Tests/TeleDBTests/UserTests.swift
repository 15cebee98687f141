// Users for the wire server: CREATE, ALTER and DROP USER store SCRAM-SHA-256 verifiers in the
// hidden table teledb_users, never the password, and the facade looks them up.

import Foundation
import Testing
import TeleCore
@testable import TeleDB
import TeleSecurity
import TeleSyntax

@Suite("Users")
struct UserTests {
    /// Runs `sql` and returns the error it throws, or nil.
    func error(of sql: String, in session: Session) -> TeleError? {
        do {
            _ = try session.execute(sql)
            return nil
        } catch let error as TeleError {
            return error
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    @Test("create user stores a verifier")
    func createStoresVerifier() throws {
        let database = Database.inMemory()
        let session = database.connect()
        #expect(try !database.hasUsers())
        #expect(try database.userVerifier(named: "bob") == nil)

        let results = try session.execute("CREATE USER bob WITH PASSWORD 'hunter2'")
        #expect(results[0].commandTag == "CREATE ROLE")
        #expect(try database.hasUsers())
        #expect(try database.userNames() == ["bob"])

        let text = try #require(try database.userVerifier(named: "bob"))
        #expect(text.hasPrefix("SCRAM-SHA-256$4096:"))
        #expect(!text.contains("hunter2"))
        let verifier = try #require(try database.scramVerifier(forUser: "bob"))
        #expect(try verifier.matches(password: "hunter2"))
        #expect(try !verifier.matches(password: "hunter3"))
        #expect(try database.userVerifier(named: "Bob") == nil)
    }

    @Test("stored verifier passes a SCRAM exchange")
    func scramExchangeWithStoredVerifier() throws {
        let database = Database.inMemory()
        _ = try database.connect().execute("CREATE ROLE grafana LOGIN PASSWORD 'p@ss word'")
        let verifier = try database.scramVerifier(forUser: "grafana")
        let exchange = try ScramServerExchange(user: "grafana", verifier: verifier)

        let serverFirst = String(decoding: try exchange.receiveClientFirst(Array("n,,n=,r=clientnonce".utf8)), as: UTF8.self)
        let attributes = serverFirst.split(separator: ",")
        let nonce = String(attributes[0].dropFirst(2))
        let salt = try #require(Crypto.base64Decode(String(attributes[1].dropFirst(2))))
        let salted = try Crypto.pbkdf2SHA256(password: Array("p@ss word".utf8), salt: salt, iterations: 4096)
        let clientKey = try Crypto.hmacSHA256(key: salted, message: Array("Client Key".utf8))
        let withoutProof = "c=biws,r=\(nonce)"
        let authMessage = Array("n=,r=clientnonce,\(serverFirst),\(withoutProof)".utf8)
        let signature = try Crypto.hmacSHA256(key: try Crypto.sha256(clientKey), message: authMessage)
        let proof = Crypto.base64(zip(clientKey, signature).map { $0 ^ $1 })

        _ = try exchange.receiveClientFinal(Array("\(withoutProof),p=\(proof)".utf8))
        #expect(exchange.isAuthenticated)
    }

    @Test("password absent from the table")
    func passwordAbsentFromTable() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE USER alice PASSWORD 'Tangerine-Sky-88'")
        let verifier = try #require(try session.database.userVerifier(named: "alice"))
        #expect(verifier.hasPrefix("SCRAM-SHA-256$4096:"))
        #expect(!verifier.contains("Tangerine-Sky-88"))
        // The verifiers are not readable through SQL: they could be attacked offline.
        #expect(error(of: "SELECT * FROM teledb_users", in: session)?.state == SQLState("42501"))
        #expect(error(of: "SELECT verifier FROM (SELECT * FROM teledb_users) u", in: session)?.state == SQLState("42501"))
    }

    @Test("password absent from database files")
    func passwordAbsentFromDisk() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("db")
        do {
            let session = try Database.open(path: path).connect()
            _ = try session.execute("CREATE USER alice PASSWORD 'Zebra-Quartz-4711'")
            _ = try session.execute("ALTER USER alice PASSWORD 'Walrus-Ember-9034'")
            // A string stored in an ordinary table, to show that a search of the files finds
            // stored strings at all.
            _ = try session.execute("CREATE TABLE notes (s TEXT); INSERT INTO notes VALUES ('Canary-Marker-5521')")
        }

        let files = try allFileBytes(under: directory.url)
        #expect(!files.isEmpty)
        #expect(files.contains { $0.contains(Array("Canary-Marker-5521".utf8)) })
        #expect(!files.contains { $0.contains(Array("Zebra-Quartz-4711".utf8)) })
        #expect(!files.contains { $0.contains(Array("Walrus-Ember-9034".utf8)) })
    }

    /// Reads every regular file under `url`.
    func allFileBytes(under url: URL) throws -> [[UInt8]] {
        let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey])
        var contents: [[UInt8]] = []
        while let file = enumerator?.nextObject() as? URL {
            guard try file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            contents.append([UInt8](try Data(contentsOf: file)))
        }
        return contents
    }

    @Test("users persist across reopen")
    func persistAcrossReopen() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("db")
        var before: String?
        do {
            let database = try Database.open(path: path)
            _ = try database.connect().execute("CREATE USER bob PASSWORD 'one'; CREATE USER carol PASSWORD 'two'")
            before = try database.userVerifier(named: "bob")
        }
        let database = try Database.open(path: path)
        #expect(try database.userNames() == ["bob", "carol"])
        #expect(try database.userVerifier(named: "bob") == before)
        #expect(try database.scramVerifier(forUser: "carol")?.matches(password: "two") == true)
    }

    @Test("alter user changes the password")
    func alterChangesPassword() throws {
        let database = Database.inMemory()
        let session = database.connect()
        _ = try session.execute("CREATE USER bob PASSWORD 'old'")
        let results = try session.execute("ALTER ROLE bob WITH ENCRYPTED PASSWORD 'new'")
        #expect(results[0].commandTag == "ALTER ROLE")
        let verifier = try #require(try database.scramVerifier(forUser: "bob"))
        #expect(try verifier.matches(password: "new"))
        #expect(try !verifier.matches(password: "old"))
        #expect(try database.userNames() == ["bob"])
    }

    @Test("drop user removes it")
    func dropRemoves() throws {
        let database = Database.inMemory()
        let session = database.connect()
        _ = try session.execute("CREATE USER bob PASSWORD 'x'; CREATE USER carol PASSWORD 'y'")
        let dropped = try session.execute("DROP USER bob")
        #expect(dropped[0].commandTag == "DROP ROLE")
        #expect(try database.userNames() == ["carol"])

        let skipped = try session.execute("DROP ROLE IF EXISTS bob, carol")
        #expect(skipped[0].notices == ["role \"bob\" does not exist, skipping"])
        #expect(try !database.hasUsers())
    }

    @Test("drop if exists with no users")
    func dropIfExistsWithoutTable() throws {
        let session = Database.inMemory().connect()
        let results = try session.execute("DROP USER IF EXISTS nobody")
        #expect(results[0].notices == ["role \"nobody\" does not exist, skipping"])
        #expect(session.tableNames.isEmpty)
    }

    @Test("user errors and SQLSTATEs")
    func userErrors() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE USER bob PASSWORD 'x'")

        let duplicate = error(of: "CREATE USER bob PASSWORD 'y'", in: session)
        #expect(duplicate?.state == .duplicateObject)
        #expect(duplicate?.message == "role \"bob\" already exists")

        let alterUnknown = error(of: "ALTER USER nobody PASSWORD 'y'", in: session)
        #expect(alterUnknown?.state == .undefinedObject)
        #expect(alterUnknown?.message == "role \"nobody\" does not exist")

        let dropUnknown = error(of: "DROP USER nobody", in: session)
        #expect(dropUnknown?.state == .undefinedObject)

        let empty = error(of: "CREATE USER dave PASSWORD ''", in: session)
        #expect(empty?.state == .invalidParameterValue)
        let emptyAlter = error(of: "ALTER USER bob PASSWORD ''", in: session)
        #expect(emptyAlter?.state == .invalidParameterValue)
        #expect(try session.database.scramVerifier(forUser: "bob")?.matches(password: "x") == true)

        #expect(error(of: "CREATE ROLE reader PASSWORD 'x'", in: session)?.state == .featureNotSupported)
        #expect(error(of: "CREATE USER eve", in: session)?.state == .featureNotSupported)
        #expect(error(of: "CREATE USER eve SUPERUSER PASSWORD 'x'", in: session)?.state == .featureNotSupported)
        #expect(error(of: "CREATE USER eve PASSWORD NULL", in: session)?.state == .featureNotSupported)
        #expect(error(of: "ALTER USER bob RENAME TO robert", in: session)?.state == .featureNotSupported)
        #expect(error(of: "CREATE USER eve PASSWORD 42", in: session)?.state == .syntaxError)
        #expect(try session.database.userNames() == ["bob"])
    }

    @Test("errors never quote the password")
    func errorsOmitPassword() throws {
        let session = Database.inMemory().connect()
        for sql in [
            "CREATE USER bob 'Secret-Lemon-1'", "CREATE USER bob WITH 'Secret-Lemon-1'",
            "ALTER USER bob 'Secret-Lemon-1'", "CREATE USER bob PASSWORD 'Secret-Lemon-1' 'Secret-Lemon-1'",
        ] {
            let failure = try #require(error(of: sql, in: session), "\(sql) did not fail")
            #expect(failure.state == .syntaxError)
            #expect(!failure.description.contains("Secret-Lemon-1"), "\(sql): \(failure)")
        }
    }

    @Test("parsed statement prints no password")
    func statementDescriptionRedacted() throws {
        let statements = try Parser.parse("CREATE USER bob PASSWORD 'Secret-Lemon-1'; ALTER USER bob PASSWORD 'Secret-Lemon-2'")
        #expect(statements == [
            .user(.create(name: "bob", password: "Secret-Lemon-1")),
            .user(.alterPassword(name: "bob", password: "Secret-Lemon-2")),
        ])
        for statement in statements {
            #expect(!"\(statement)".contains("Secret-Lemon"))
            #expect(!String(reflecting: statement).contains("Secret-Lemon"))
        }
    }

    @Test("monitor text masks the password")
    func monitorTextRedacted() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE USER bob PASSWORD 'Secret-Lemon-3'")
        #expect(session.monitor.statementText == "CREATE USER bob PASSWORD '********'")
        _ = try session.execute("ALTER USER bob PASSWORD 'Secret-Lemon-4'")
        #expect(session.monitor.statementText == "ALTER USER bob PASSWORD '********'")
        _ = try session.execute("SELECT 1")
        #expect(session.monitor.statementText == "SELECT 1")
    }

    @Test("redaction masks password literals")
    func redaction() {
        let cases: [(String, String)] = [
            ("CREATE USER bob PASSWORD 'hunter2'", "CREATE USER bob PASSWORD '********'"),
            ("alter role bob with encrypted password 'it''s'", "alter role bob with encrypted password '********'"),
            ("CREATE USER a PASSWORD 'x'; CREATE USER b PASSWORD E'y\\n'",
             "CREATE USER a PASSWORD '********'; CREATE USER b PASSWORD '********'"),
            ("SELECT 'password', 'kept' FROM t", "SELECT 'password', 'kept' FROM t"),
            ("CREATE USER bob PASSWORD 'unterminated", "CREATE USER bob PASSWORD ********"),
            ("SELECT 'no keyword", "SELECT 'no keyword"),
        ]
        for (sql, expected) in cases {
            #expect(Database.redactingPasswords(in: sql) == expected)
        }
    }

    @Test("verifier given as password kept")
    func verifierAsPasswordKept() throws {
        let database = Database.inMemory()
        let verifier = try ScramVerifier(password: "pencil").text
        _ = try database.connect().execute("CREATE USER bob PASSWORD '\(verifier)'")
        #expect(try database.userVerifier(named: "bob") == verifier)
        #expect(try database.scramVerifier(forUser: "bob")?.matches(password: "pencil") == true)
    }

    @Test("quoted user names keep case")
    func quotedNames() throws {
        let database = Database.inMemory()
        _ = try database.connect().execute("CREATE USER \"Bob\" PASSWORD 'x'; CREATE USER Carol PASSWORD 'y'")
        #expect(try database.userNames() == ["Bob", "carol"])
    }

    @Test("rollback undoes create user")
    func rollbackUndoesCreate() throws {
        let database = Database.inMemory()
        let session = database.connect()
        _ = try session.execute("BEGIN; CREATE USER bob PASSWORD 'x'; ROLLBACK")
        #expect(try !database.hasUsers())
    }

    @Test("user table rejects direct changes")
    func userTableProtected() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE USER bob PASSWORD 'x'")
        for sql in [
            "DROP TABLE teledb_users", "DELETE FROM teledb_users", "UPDATE teledb_users SET verifier = 'v'",
            "INSERT INTO teledb_users VALUES ('eve', 'v')", "CREATE TABLE IF NOT EXISTS teledb_users (a INTEGER)",
            "CREATE VIEW teledb_users AS SELECT 1", "CREATE INDEX i ON teledb_users (name)",
        ] {
            let failure = error(of: sql, in: session)
            #expect(failure?.state == SQLState("42501"), "\(sql)")
        }
        #expect(try session.database.userNames() == ["bob"])

        // Without users the table does not exist, and a table of that name still cannot be made.
        let empty = Database.inMemory().connect()
        #expect(error(of: "CREATE TABLE teledb_users (name VARCHAR, verifier VARCHAR)", in: empty)?.state == SQLState("42501"))
    }

    @Test("system tables hidden from listings")
    func systemTablesHidden() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE t (a INTEGER, b INTEGER); CREATE USER bob PASSWORD 'x'")
        _ = try session.execute("CREATE MATERIALIZED VIEW v AS SELECT a, count(*) AS n FROM t GROUP BY a")
        #expect(session.tableNames == ["t", "v"])
        let listed = try session.execute("SHOW TABLES")[0].rows.map { $0[0] }
        #expect(listed == [.string("t"), .string("v")])
        // Hidden from listings, and not readable by name either.
        #expect(error(of: "SELECT count(*) FROM teledb_users", in: session)?.state == SQLState("42501"))
    }
}
