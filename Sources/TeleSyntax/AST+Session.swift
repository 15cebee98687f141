// Session statements that change no data: they drop prepared plans and temporary state, or
// mark savepoints. RESET, CLOSE and UNLISTEN are statements of their own in `Statement`.

/// A DISCARD, DEALLOCATE or savepoint statement, or SET TRANSACTION without an isolation level.
public enum SessionCommand: Sendable, Equatable {
    /// `DISCARD ALL`, `DISCARD PLANS`, `DISCARD SEQUENCES` or `DISCARD TEMP`, by the lower-cased
    /// word.
    case discard(String)
    /// `SET TRANSACTION` with modes such as READ WRITE but no isolation level, which TeleDB
    /// accepts without storing them.
    case transactionModes
    /// `SAVEPOINT name`.
    case savepoint(name: String)
    /// `RELEASE [SAVEPOINT] name`.
    case releaseSavepoint(name: String)
    /// `ROLLBACK [WORK | TRANSACTION] TO [SAVEPOINT] name`.
    case rollbackToSavepoint(name: String)
    /// `DEALLOCATE [PREPARE] name`, or `DEALLOCATE ALL` (a nil name): drops prepared
    /// statements, which only a wire connection keeps.
    case deallocate(name: String?)
}
