namespace ByokGateway.Ledger;

/// <summary>
/// The ledger's schema, one ordered list per dialect (version = position). A shipped migration
/// is never edited: a change is the next one, in both lists.
/// </summary>
public static class LedgerMigrations
{
    public static readonly IReadOnlyList<string> Sqlite =
    [
        // 1: usage records (with the billing outbox's columns) and audit events. Times are
        // microseconds since the Unix epoch (UTC), ids lower-case UUID text.
        """
        CREATE TABLE usage (
            id TEXT PRIMARY KEY,
            occurred_at INTEGER NOT NULL,
            user_id TEXT NOT NULL,
            tier TEXT NOT NULL,
            provider TEXT NOT NULL,
            model TEXT,
            key_source TEXT NOT NULL,
            input_tokens INTEGER,
            output_tokens INTEGER,
            cached_tokens INTEGER,
            status INTEGER NOT NULL,
            duration_ms REAL NOT NULL,
            ttfb_ms REAL,
            billing_pending INTEGER NOT NULL DEFAULT 0,
            billing_attempts INTEGER NOT NULL DEFAULT 0,
            billing_not_before INTEGER,
            billing_lease_until INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX usage_user_time ON usage (user_id, occurred_at);
        CREATE INDEX usage_time ON usage (occurred_at);
        CREATE INDEX usage_billing_pending ON usage (occurred_at) WHERE billing_pending;
        CREATE TABLE audit (
            id TEXT PRIMARY KEY,
            occurred_at INTEGER NOT NULL,
            user_id TEXT NOT NULL,
            action TEXT NOT NULL,
            provider TEXT,
            detail TEXT
        ) WITHOUT ROWID;
        CREATE INDEX audit_user_time ON audit (user_id, occurred_at);
        CREATE INDEX audit_time ON audit (occurred_at);
        """,
    ];

    public static readonly IReadOnlyList<string> Postgres =
    [
        """
        CREATE TABLE usage (
            id uuid PRIMARY KEY,
            occurred_at timestamptz NOT NULL,
            user_id text NOT NULL,
            tier text NOT NULL,
            provider text NOT NULL,
            model text,
            key_source text NOT NULL,
            input_tokens bigint,
            output_tokens bigint,
            cached_tokens bigint,
            status integer NOT NULL,
            duration_ms double precision NOT NULL,
            ttfb_ms double precision,
            billing_pending boolean NOT NULL DEFAULT false,
            billing_attempts integer NOT NULL DEFAULT 0,
            billing_not_before timestamptz,
            billing_lease_until timestamptz
        );
        CREATE INDEX usage_user_time ON usage (user_id, occurred_at);
        CREATE INDEX usage_time ON usage (occurred_at);
        CREATE INDEX usage_billing_pending ON usage (occurred_at) WHERE billing_pending;
        CREATE TABLE audit (
            id uuid PRIMARY KEY,
            occurred_at timestamptz NOT NULL,
            user_id text NOT NULL,
            action text NOT NULL,
            provider text,
            detail text
        );
        CREATE INDEX audit_user_time ON audit (user_id, occurred_at);
        CREATE INDEX audit_time ON audit (occurred_at);
        """,
    ];
}
