-- Audit trail of every read of a person's data (DESIGN §8): who read what about whom, and when.
-- Written by the API. Retention is by dropping old monthly partitions (18.16 has no table TTL).
CREATE TABLE IF NOT EXISTS audit_log (
    at DateTime,
    actor String,
    actor_role String,
    action String,
    subject_kind String,
    subject_id String,
    request_id String
) ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (subject_kind, subject_id, at);
