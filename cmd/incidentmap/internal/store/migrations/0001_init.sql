-- 0001: reports, gazetteer, incidents with their spatial index, sources,
-- and the change log behind the data version.

CREATE TABLE reports (
	id          INTEGER PRIMARY KEY,
	hash        TEXT NOT NULL UNIQUE,
	title       TEXT NOT NULL DEFAULT '',
	text        TEXT NOT NULL,
	published   TEXT NOT NULL,            -- YYYY-MM-DD
	source      TEXT NOT NULL DEFAULT '' COLLATE NOCASE, -- the outlet
	url         TEXT NOT NULL DEFAULT '',
	ingested_at TEXT NOT NULL             -- RFC 3339, UTC
);

-- The gazetteer. Alternate names stay in GeoNames' comma-separated form
-- here; place_names makes every name searchable by its lower-cased key.
CREATE TABLE places (
	geonameid      INTEGER PRIMARY KEY,
	name           TEXT NOT NULL,
	asciiname      TEXT NOT NULL DEFAULT '',
	alternatenames TEXT NOT NULL DEFAULT '',
	lat            REAL NOT NULL,
	lon            REAL NOT NULL,
	fclass         TEXT NOT NULL DEFAULT '',
	fcode          TEXT NOT NULL DEFAULT '',
	country        TEXT NOT NULL DEFAULT '',
	admin1         TEXT NOT NULL DEFAULT '',
	admin2         TEXT NOT NULL DEFAULT '',
	population     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE place_names (
	name_key  TEXT NOT NULL,              -- lower(name)
	geonameid INTEGER NOT NULL REFERENCES places(geonameid) ON DELETE CASCADE,
	PRIMARY KEY (name_key, geonameid)
) WITHOUT ROWID;
CREATE INDEX place_names_geonameid ON place_names(geonameid);

-- One row per incident (or mention). day is the event date as days since
-- 1970-01-01, duplicated from date so that date ranges compare integers.
CREATE TABLE incidents (
	id             INTEGER PRIMARY KEY,
	report_id      INTEGER NOT NULL REFERENCES reports(id),
	date           TEXT NOT NULL,         -- YYYY-MM-DD, event date
	day            INTEGER NOT NULL,      -- date as days since the Unix epoch
	date_precision INTEGER NOT NULL DEFAULT 1,
	report_date    TEXT NOT NULL,
	source         TEXT NOT NULL DEFAULT '',
	place          TEXT NOT NULL DEFAULT '',
	name           TEXT NOT NULL DEFAULT '',
	geonameid      INTEGER NOT NULL DEFAULT 0,
	country        TEXT NOT NULL DEFAULT '',
	admin1         TEXT NOT NULL DEFAULT '',
	lat            REAL NOT NULL,
	lon            REAL NOT NULL,
	role           INTEGER NOT NULL,      -- 0 incident, 1 mention
	precision      INTEGER NOT NULL DEFAULT 1,
	confidence     REAL NOT NULL DEFAULT 0,
	needs_review   INTEGER NOT NULL DEFAULT 0,
	disputed       INTEGER NOT NULL DEFAULT 0,
	sentence       TEXT NOT NULL DEFAULT '',
	start          INTEGER NOT NULL DEFAULT 0,
	"end"          INTEGER NOT NULL DEFAULT 0,
	candidates     TEXT NOT NULL DEFAULT ''  -- JSON array, '' when none
);
-- Date-only and default listings (role first because every query has
-- it), and the merge search, which checks lon/lat inside the index.
CREATE INDEX incidents_role_day ON incidents(role, day, lon, lat);
CREATE INDEX incidents_report ON incidents(report_id);

-- Spatial index. Role and precision are extra dimensions so that the
-- default listing (incidents only) and max_precision are answered inside
-- the tree without touching incidents: with two and three values they
-- only split the tree into a few spatially coherent subtrees. The event
-- day is deliberately not a dimension: spread evenly over years, it would
-- compete with longitude and latitude for the splits and a bbox-only query
-- would visit most of the tree (measured: 30x slower).
CREATE VIRTUAL TABLE incidents_rtree USING rtree(
	id,
	min_lon, max_lon,
	min_lat, max_lat,
	min_role, max_role,
	min_prec, max_prec
);

CREATE TRIGGER incidents_rtree_insert AFTER INSERT ON incidents BEGIN
	INSERT INTO incidents_rtree VALUES (NEW.id, NEW.lon, NEW.lon, NEW.lat, NEW.lat,
		NEW.role, NEW.role, NEW.precision, NEW.precision);
END;
CREATE TRIGGER incidents_rtree_update AFTER UPDATE OF lon, lat, role, precision ON incidents BEGIN
	UPDATE incidents_rtree SET min_lon = NEW.lon, max_lon = NEW.lon,
		min_lat = NEW.lat, max_lat = NEW.lat,
		min_role = NEW.role, max_role = NEW.role, min_prec = NEW.precision, max_prec = NEW.precision
	WHERE id = NEW.id;
END;
CREATE TRIGGER incidents_rtree_delete AFTER DELETE ON incidents BEGIN
	DELETE FROM incidents_rtree WHERE id = OLD.id;
END;

-- Every report supporting an incident (the first one included).
CREATE TABLE incident_reports (
	incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
	report_id   INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	PRIMARY KEY (incident_id, report_id)
) WITHOUT ROWID;
CREATE INDEX incident_reports_report ON incident_reports(report_id, incident_id);

-- Outlets and claimants per incident and report.
CREATE TABLE incident_sources (
	incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
	report_id   INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	kind        TEXT NOT NULL CHECK (kind IN ('outlet', 'claimant')),
	name        TEXT NOT NULL COLLATE NOCASE,
	stance      TEXT NOT NULL DEFAULT '' CHECK (stance IN ('', 'claims', 'denies')),
	PRIMARY KEY (incident_id, report_id, kind, name)
) WITHOUT ROWID;
-- The source filter: name to incident ids, or, per candidate incident of
-- a bbox query, (name, incident id) to a yes/no.
CREATE INDEX incident_sources_name ON incident_sources(name, incident_id, kind);
CREATE INDEX incident_sources_report ON incident_sources(report_id);

-- Every write that changes what readers see, numbered: the data version
-- is the largest number, and /api/changes reads the rows.
CREATE TABLE changes (
	version      INTEGER PRIMARY KEY AUTOINCREMENT,
	kind         TEXT NOT NULL,
	report_id    INTEGER NOT NULL DEFAULT 0,
	incident_ids TEXT NOT NULL DEFAULT '[]',
	at           TEXT NOT NULL
);
