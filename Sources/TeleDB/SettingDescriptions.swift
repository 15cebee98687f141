// One-line descriptions of the settings that SHOW ALL lists, written for TeleDB. Most of
// these settings exist so that PostgreSQL clients find the values they expect. TeleDB
// ignores most of them, and each description states whether TeleDB uses its setting.

enum SettingDescriptions {
    /// Returns the description of `name` (lower-cased), or an empty string for a setting
    /// that only a SET statement created.
    static func description(of name: String) -> String {
        descriptions[name] ?? ""
    }

    private static let stored = "Stored for clients; TeleDB does not use it."

    private static let descriptions: [String: String] = [
        "application_name": "Name of the client application, as the client reported it.",
        "block_size": "Size of a disk block in PostgreSQL, reported for clients.",
        "bytea_output": "Output format of binary strings. \(stored)",
        "check_function_bodies": "Whether CREATE FUNCTION checks the body. \(stored)",
        "client_encoding": "Character encoding of the client; TeleDB always uses UTF8.",
        "client_min_messages": "Lowest level of messages sent to the client. \(stored)",
        "datestyle": "Display format of dates; TeleDB always prints ISO dates.",
        "default_tablespace": "Tablespace for new tables. \(stored)",
        "default_transaction_isolation": "Isolation level of new transactions. \(stored)",
        "default_transaction_read_only": "Whether new transactions are read-only. \(stored)",
        "escape_string_warning": "Whether backslashes in ordinary string literals raise a warning. \(stored)",
        "extra_float_digits": "Digits added to floating-point output. TeleDB always prints the shortest digits that read back as the same value.",
        "idle_in_transaction_session_timeout": "Time limit for an idle open transaction. \(stored)",
        "integer_datetimes": "Whether timestamps are stored as 64-bit integers; always on.",
        "intervalstyle": "Display format of intervals; TeleDB always uses the postgres style.",
        "is_superuser": "Whether the current user is a superuser.",
        "jit": "Whether queries are compiled just in time. \(stored)",
        "lc_collate": "Collation of text; TeleDB compares text by bytes, as the C collation does.",
        "lc_ctype": "Character classification locale; TeleDB uses C.",
        "lc_messages": "Language of messages; TeleDB writes English.",
        "lc_monetary": "Locale of money formats. \(stored)",
        "lc_numeric": "Locale of number formats. \(stored)",
        "lc_time": "Locale of date and time formats. \(stored)",
        "lock_timeout": "Time limit for waiting on a lock. \(stored)",
        "max_connections": "Maximum number of concurrent connections, reported for clients.",
        "max_identifier_length": "Maximum length of an identifier in bytes, reported for clients.",
        "role": "Current role. \(stored)",
        "row_security": "Whether row-level security applies. \(stored)",
        "search_path": "Schemas searched for unqualified names. TeleDB has no schemas.",
        "server_encoding": "Character encoding of the database; always UTF8.",
        "server_version": "Version of PostgreSQL that TeleDB reports to clients.",
        "server_version_num": "Server version as a number, for clients.",
        "session_authorization": "User name of the session.",
        "standard_conforming_strings": "Whether backslashes in ordinary string literals are literal; always on.",
        "statement_timeout": "Time limit for a statement in milliseconds; the wire server cancels a statement that runs longer, 0 for none.",
        "synchronous_commit": "Whether COMMIT waits for the write to disk. \(stored)",
        "threads": "Most threads one query may use; the default is the number of cores.",
        "timezone": "Time zone for displaying timestamps; TeleDB always uses UTC.",
        "transaction_isolation": "Isolation level of the current transaction. \(stored)",
        "transaction_read_only": "Whether the current transaction is read-only. \(stored)",
        "work_mem": "Memory for sorts and hash tables. \(stored)",
        "xmloption": "Whether XML values are documents or content. \(stored)",
    ]
}
