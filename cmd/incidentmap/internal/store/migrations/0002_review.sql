-- 0002: analysts' corrections and the place rules they leave behind.

-- Every correction, with who and when. incident_id has no foreign key on
-- purpose: a rejected incident is deleted, and its correction (whose
-- old_value holds the whole incident) must outlive it as the audit trail.
CREATE TABLE corrections (
	id          INTEGER PRIMARY KEY,
	incident_id INTEGER NOT NULL,
	report_id   INTEGER NOT NULL DEFAULT 0,
	action      TEXT NOT NULL CHECK (action IN ('move', 'candidate', 'role', 'reject')),
	old_value   TEXT NOT NULL DEFAULT '{}', -- JSON: the fields before
	new_value   TEXT NOT NULL DEFAULT '{}', -- JSON: the fields after ('{}' for reject)
	created_by  TEXT NOT NULL,
	created_at  TEXT NOT NULL              -- RFC 3339, UTC
);
CREATE INDEX corrections_incident ON corrections(incident_id);

-- Place rules applied to future reports: a name (as written) in a report
-- about a country resolves to the analyst's point. name_key is the
-- geoparser's StrictKey (what its overrides compare), loose_key the
-- LooseKey (to find other spellings of the same name).
CREATE TABLE place_rules (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	name_key   TEXT NOT NULL,
	loose_key  TEXT NOT NULL,
	country    TEXT NOT NULL DEFAULT '',   -- '' = any country
	admin1     TEXT NOT NULL DEFAULT '',   -- '' = the whole country
	lat        REAL NOT NULL,
	lon        REAL NOT NULL,
	geonameid  INTEGER NOT NULL DEFAULT 0,
	place_name TEXT NOT NULL DEFAULT '',
	precision  INTEGER NOT NULL DEFAULT 1,
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL,
	UNIQUE (name_key, country, admin1)
);
CREATE INDEX place_rules_loose ON place_rules(loose_key);
