// `teledb serve`: parses its arguments, opens the database, runs the server until SIGINT or
// SIGTERM, then stops it cleanly and exits 0.
//
// The executable routes `serve` here, so the shell target needs no dependency on the server.

import Dispatch
import Foundation
@preconcurrency import Glibc
import TeleCore
import TeleDB
import TeleSecurity

public enum ServeCommand {
    public static let usage = """
        usage: teledb serve DBPATH [--host ADDRESS] [--port N] [--tls-cert FILE --tls-key FILE]
                                   [--idle-timeout SECONDS] [--statement-timeout SECONDS]
        """

    public static let help = usage + """


        Serves DBPATH (a database directory, created when missing, or ":memory:") over the
        PostgreSQL wire protocol, so psql and PostgreSQL drivers can connect.

        options:
          --host ADDRESS              IPv4 address to listen on (default 127.0.0.1)
          --port N                    TCP port (default 5433); 0 picks a free port
          --tls-cert FILE             PEM certificate for TLS; needs --tls-key
          --tls-key FILE              PEM private key for TLS
          --idle-timeout SECONDS      close connections idle this long (default: never)
          --statement-timeout SECONDS cancel statements running this long (default: never)

        Once ready it prints "listening on ADDRESS:PORT" on stdout. SIGINT or SIGTERM stops it.
        """

    /// The parsed command line of `teledb serve`.
    public struct Options: Equatable, Sendable {
        public var databasePath: String
        public var host = "127.0.0.1"
        public var port = 5433
        public var tlsCertificatePath: String?
        public var tlsKeyPath: String?
        public var idleTimeout: Double?
        public var statementTimeout: Double?
    }

    /// Runs `teledb serve` with the arguments after `serve`.
    ///
    /// - Returns: The exit status: 0 after a clean stop, 1 when the server cannot start, 2 for
    ///   a bad command line.
    public static func main(arguments: [String]) -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(help)
            return 0
        }
        let options: Options
        do {
            options = try parse(arguments)
        } catch {
            printError("\(error)\n\(usage)")
            return 2
        }
        let log = ServerLog()
        do {
            let server = try makeServer(options, log: log)
            return run(server, log: log)
        } catch {
            log.error("could not start the server: \((error as? TeleError)?.message ?? "\(error)")")
            if let hint = (error as? TeleError)?.hint { printError("HINT: \(hint)") }
            return 1
        }
    }

    /// Parses the arguments after `serve`.
    ///
    /// - Throws: `TeleError` 22023 naming the unknown option, missing value or bad number.
    public static func parse(_ arguments: [String]) throws -> Options {
        var path: String?
        var options = Options(databasePath: "")
        var index = 0
        func value(_ option: String) throws -> String {
            index += 1
            guard index < arguments.count else {
                throw TeleError(.invalidParameterValue, "missing value for \(option)", hint: "Write \(option) VALUE.")
            }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--host": options.host = try value(argument)
            case "--port": options.port = try number(try value(argument), option: argument, range: 0...65535)
            case "--tls-cert": options.tlsCertificatePath = try value(argument)
            case "--tls-key": options.tlsKeyPath = try value(argument)
            case "--idle-timeout": options.idleTimeout = try seconds(try value(argument), option: argument)
            case "--statement-timeout": options.statementTimeout = try seconds(try value(argument), option: argument)
            default:
                guard !argument.hasPrefix("-"), path == nil else {
                    throw TeleError(.invalidParameterValue, "unknown argument \"\(argument)\"", hint: "See teledb serve --help.")
                }
                path = argument
            }
            index += 1
        }
        guard let path else {
            throw TeleError(.invalidParameterValue, "missing DBPATH", hint: "Name the database directory to serve.")
        }
        options.databasePath = path
        if (options.tlsCertificatePath == nil) != (options.tlsKeyPath == nil) {
            throw TeleError(.invalidParameterValue, "--tls-cert and --tls-key go together", hint: "Give both files, or neither.")
        }
        return options
    }

    private static func number(_ text: String, option: String, range: ClosedRange<Int>) throws -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw TeleError(
                .invalidParameterValue, "invalid value \"\(text)\" for \(option)",
                hint: "Give a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        return value
    }

    private static func seconds(_ text: String, option: String) throws -> Double? {
        guard let value = Double(text), value >= 0, value.isFinite else {
            throw TeleError(
                .invalidParameterValue, "invalid value \"\(text)\" for \(option)",
                hint: "Give a number of seconds, such as 30 or 0.5; 0 means no limit.")
        }
        return value == 0 ? nil : value
    }

    // MARK: Running

    private static func makeServer(_ options: Options, log: ServerLog) throws -> WireServer {
        var tls: TLSContext?
        if let certificate = options.tlsCertificatePath, let key = options.tlsKeyPath {
            tls = try TLSContext(certificatePath: certificate, keyPath: key)
            log.info("TLS enabled with certificate \(certificate)")
        }
        let database =
            options.databasePath == ":memory:" ? Database.inMemory() : try Database.open(path: options.databasePath)
        let configuration = ServerConfiguration(
            host: options.host, port: options.port, idleTimeout: options.idleTimeout,
            statementTimeout: options.statementTimeout, tls: tls, log: log)
        log.info("opened database \(options.databasePath)")
        return try WireServer(database: database, configuration: configuration)
    }

    /// Starts `server`, waits for SIGINT or SIGTERM, and stops it.
    private static func run(_ server: WireServer, log: ServerLog) -> Int32 {
        // Writes to a vanished client must fail with EPIPE, not end the process. The signals
        // that stop the server go to dispatch sources instead of their default action.
        signal(SIGPIPE, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let stopRequested = DispatchSemaphore(value: 0)
        let queue = DispatchQueue(label: "teledb.serve.signals")
        let sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                log.info("received \(number == SIGINT ? "SIGINT" : "SIGTERM"), shutting down")
                stopRequested.signal()
            }
            source.resume()
            return source
        }
        do {
            try server.start()
        } catch {
            log.error("could not start the server: \((error as? TeleError)?.message ?? "\(error)")")
            if let hint = (error as? TeleError)?.hint { printError("HINT: \(hint)") }
            return 1
        }
        // Unbuffered, so a script that starts the server can read the port at once.
        FileHandle.standardOutput.write(Data("listening on \(server.configuration.host):\(server.port)\n".utf8))
        stopRequested.wait()
        server.stop()
        sources.forEach { $0.cancel() }
        return 0
    }

    private static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
