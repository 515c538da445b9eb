-- 0005: small named values the application keeps about the database
-- itself, e.g. that an import was started and has not finished.

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
