// The listening TCP socket: address parsing, bind and listen, and peer names for the log.

@preconcurrency import Glibc
import TeleCore

enum ListeningSocket {
    /// Opens a socket listening on `host`:`port`; `host` is an IPv4 address or `localhost`.
    static func open(host: String, port: Int) throws -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        guard (0...65535).contains(port) else {
            throw TeleError(.invalidParameterValue, "invalid port \(port)", hint: "Give a port from 0 to 65535; 0 picks a free one.")
        }
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let numeric = host == "localhost" ? "127.0.0.1" : host
        guard inet_pton(AF_INET, numeric, &address.sin_addr) == 1 else {
            throw TeleError(
                .invalidParameterValue, "invalid listen address \"\(host)\"",
                hint: "Give an IPv4 address such as 127.0.0.1, or localhost.")
        }
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socketFD >= 0 else { throw connectionError("could not create a socket", errno) }
        var enabled: Int32 = 1
        setsockopt(socketFD, SOL_SOCKET, SO_REUSEADDR, &enabled, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let code = errno
            close(socketFD)
            throw connectionError("could not bind to \(host):\(port)", code)
        }
        guard listen(socketFD, 128) == 0 else {
            let code = errno
            close(socketFD)
            throw connectionError("could not listen on \(host):\(port)", code)
        }
        return socketFD
    }

    /// Returns the port a bound socket got, which differs from the requested one for port 0.
    static func localPort(of socketFD: Int32) throws -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
        }
        guard result == 0 else { throw connectionError("could not read the listening port", errno) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// `address:port` of a peer, for log lines.
    static func describe(_ address: sockaddr_in) -> String {
        var copy = address.sin_addr
        var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        inet_ntop(AF_INET, &copy, &text, socklen_t(text.count))
        let host = text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return "\(host):\(UInt16(bigEndian: address.sin_port))"
    }

    private static func connectionError(_ message: String, _ code: Int32) -> TeleError {
        TeleError(
            SQLState("08006"), "\(message): \(String(cString: strerror(code)))",
            hint: code == EADDRINUSE ? "Another process uses this port; pick another with --port, or 0 for a free one." : nil)
    }
}
