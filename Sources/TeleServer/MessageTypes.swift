// The message type bytes and startup codes of PostgreSQL's frontend/backend protocol 3.0,
// as the PostgreSQL 15 documentation ("Message Formats") lists them.

/// The first byte of a message a client sends after the startup packet.
enum FrontendMessage: UInt8 {
    case bind = 0x42  // B
    case close = 0x43  // C
    case copyData = 0x64  // d
    case copyDone = 0x63  // c
    case copyFail = 0x66  // f
    case describe = 0x44  // D
    case execute = 0x45  // E
    case flush = 0x48  // H
    case functionCall = 0x46  // F
    case parse = 0x50  // P
    /// PasswordMessage, SASLInitialResponse and SASLResponse share this byte.
    case password = 0x70  // p
    case query = 0x51  // Q
    case sync = 0x53  // S
    case terminate = 0x58  // X
}

/// The first byte of a message the server sends.
enum BackendMessage: UInt8 {
    case authentication = 0x52  // R
    case backendKeyData = 0x4B  // K
    case bindComplete = 0x32  // 2
    case closeComplete = 0x33  // 3
    case commandComplete = 0x43  // C
    case dataRow = 0x44  // D
    case emptyQueryResponse = 0x49  // I
    case errorResponse = 0x45  // E
    case noData = 0x6E  // n
    case noticeResponse = 0x4E  // N
    case notificationResponse = 0x41  // A
    case parameterDescription = 0x74  // t
    case parameterStatus = 0x53  // S
    case parseComplete = 0x31  // 1
    case portalSuspended = 0x73  // s
    case readyForQuery = 0x5A  // Z
    case rowDescription = 0x54  // T
}

/// The codes in the first four bytes after the length of a startup-phase packet.
enum StartupCode {
    /// Protocol 3.0: major version 3 in the high 16 bits, minor 0 in the low.
    static let protocol3: Int32 = 196_608
    static let sslRequest: Int32 = 80_877_103
    static let gssEncryptionRequest: Int32 = 80_877_104
    static let cancelRequest: Int32 = 80_877_102
}

/// The transaction status that ReadyForQuery reports.
enum TransactionStatus: UInt8 {
    case idle = 0x49  // I
    case inBlock = 0x54  // T
    case failed = 0x45  // E
}

/// Size limits, checked before anything is allocated for a message.
public enum MessageLimits {
    /// The largest message accepted after startup, length field included.
    public static let maxMessageLength = 64 << 20
    /// The largest startup packet, the same as MAX_STARTUP_PACKET_LENGTH in PostgreSQL's
    /// libpq/pqcomm.h.
    public static let maxStartupPacketLength = 10_000
}
