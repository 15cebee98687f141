// The SQLSTATE codes only the storage layer raises (class 55, object not in prerequisite
// state), kept here until TeleCore lists them.

import TeleCore

extension SQLState {
    /// 55006: the database is in use by another process.
    public static let objectInUse = SQLState("55006")
    /// 55P03: a lock could not be taken in time.
    public static let lockNotAvailable = SQLState("55P03")
}
