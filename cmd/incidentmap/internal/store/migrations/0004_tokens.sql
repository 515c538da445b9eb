-- 0004: API tokens for writes. Only the SHA-256 of a token is kept, so a
-- copy of the database (a backup, a stolen disk) gives no usable token.

CREATE TABLE api_tokens (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL DEFAULT '',
	hash       BLOB NOT NULL UNIQUE,      -- sha256(token), 32 bytes
	created_at TEXT NOT NULL,             -- RFC 3339, UTC
	revoked_at TEXT                       -- RFC 3339, UTC; NULL while valid
);
