// The reserved keywords of TeleDB's SQL: words that cannot be a bare column name, alias or
// table name because the grammar gives them a meaning where a name could appear. The list
// follows PostgreSQL's reserved and type-or-function-name keywords, so that a column called
// `key`, `value`, `date` or `name` works as it does there. Reserved words can still be used
// as names when double-quoted, and after `AS`.

enum Keywords {
    static let reserved: Set<String> = [
        // Reserved in PostgreSQL.
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both",
        "case", "cast", "check", "collate", "column", "constraint", "create", "current_date",
        "current_time", "current_timestamp", "default", "deferrable", "desc", "distinct", "do",
        "else", "end", "except", "false", "fetch", "for", "foreign", "from", "grant", "group",
        "having", "in", "initially", "intersect", "into", "lateral", "leading", "limit",
        "localtime", "localtimestamp", "not", "null", "offset", "on", "only", "or", "order",
        "placing", "primary", "references", "returning", "select", "some", "symmetric",
        "table", "then", "to", "trailing", "true", "union", "unique", "user", "using",
        "variadic", "when", "where", "window", "with",
        // Type or function names in PostgreSQL: allowed before `(`, never as column names.
        "authorization", "binary", "collation", "concurrently", "cross", "freeze", "full",
        "ilike", "inner", "is", "isnull", "join", "left", "like", "natural", "notnull", "outer",
        "overlaps", "right", "similar", "tablesample", "verbose",
        // Words that start an expression form of their own in TeleDB.
        "exists", "interval", "extract",
    ]

    /// Keywords that start a statement or a clause, offered as "Did you mean ...?" hints for
    /// a misspelled word.
    static let commonKeywords = [
        "select", "insert", "update", "delete", "create", "drop", "explain", "describe", "copy",
        "show", "begin", "commit", "rollback", "from", "where", "group", "having", "order",
        "limit", "offset", "union", "intersect", "except", "join", "inner", "left", "right",
        "full", "cross", "natural", "on", "using", "values", "into", "set", "table", "view",
        "index",
    ]

    static func isReserved(_ word: String) -> Bool {
        reserved.contains(word)
    }
}
