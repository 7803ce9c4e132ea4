-- Telegram bot (DESIGN §9): one-time link codes, their claims, and chat ↔ seller links.
-- Times are epoch milliseconds (UInt64): compared in the application, independent of the
-- server's time zone, and exact on 18.16 (no DateTime64 there).
--
-- A code is stored only as its SHA-256; the code itself is shown once to whoever issued it.
CREATE TABLE IF NOT EXISTS telegram_link_codes (
    code_hash String,
    seller_id String,
    issued_by String,
    issued_at_ms UInt64,
    expires_at_ms UInt64
) ENGINE = MergeTree
ORDER BY code_hash;

-- Claims of a code. 18.16 has no UPDATE and no transactions, so "used" is a claim row: a redeemer
-- inserts its claim, reads every claim of the code back, and only the first claim (earliest
-- claimed_at_ms, then lowest claim_id) links a chat; every other claimant is told the code is used.
CREATE TABLE IF NOT EXISTS telegram_code_claims (
    code_hash String,
    claim_id String,
    chat_hash String,
    claimed_at_ms UInt64
) ENGINE = MergeTree
ORDER BY (code_hash, claimed_at_ms, claim_id);

-- Link state per chat, append-only: the row with the highest version wins (linked = 0 is /sair,
-- consent withdrawn). chat_id is kept because the bot must address the chat; it never reaches a log.
CREATE TABLE IF NOT EXISTS telegram_links (
    chat_id Int64,
    seller_id String,
    linked UInt8,
    at_ms UInt64,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY chat_id;
