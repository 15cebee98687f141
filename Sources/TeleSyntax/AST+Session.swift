// Session statements that change no data: they reset settings, drop cursors and prepared
// plans, stop listening on notification channels, or mark savepoints.

/// A RESET, DISCARD, CLOSE, UNLISTEN or savepoint statement.
public enum SessionCommand: Sendable, Equatable {
    /// `RESET name`, or `RESET ALL` when the name is nil.
    case reset(name: String?)
    /// `DISCARD ALL`, `DISCARD PLANS`, `DISCARD SEQUENCES` or `DISCARD TEMP`, by the lower-cased
    /// word.
    case discard(String)
    /// `SET TRANSACTION` with modes such as READ WRITE but no isolation level, which TeleDB
    /// accepts without storing them.
    case transactionModes
    /// `CLOSE name`, or `CLOSE ALL` when the name is nil.
    case closeCursor(name: String?)
    /// `UNLISTEN channel`, or `UNLISTEN *` when the channel is nil.
    case unlisten(channel: String?)
    /// `SAVEPOINT name`.
    case savepoint(name: String)
    /// `RELEASE [SAVEPOINT] name`.
    case releaseSavepoint(name: String)
    /// `ROLLBACK [WORK | TRANSACTION] TO [SAVEPOINT] name`.
    case rollbackToSavepoint(name: String)
}
