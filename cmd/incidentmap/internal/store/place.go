package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strings"

	"github.com/incidentmap/incidentmap/geo"
)

// NameKey is the key under which place_names stores a name: the name
// lower-cased. The geoparser's finer normalisation (diacritics, articles)
// happens in memory on the rows EachPlace returns.
func NameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

const placeColumns = `geonameid, name, asciiname, alternatenames, lat, lon, fclass, fcode, country, admin1, admin2, population`

// UpsertPlaces inserts places, replacing any with the same GeonameID, in
// one transaction with prepared statements. A place whose names did not
// change keeps its place_names rows, so a re-import is cheap and changes
// no counts. updated counts places that existed, changed or not.
func (db *DB) UpsertPlaces(ctx context.Context, places []*geo.Place) (inserted, updated int, err error) {
	for _, p := range places {
		if p == nil || p.GeonameID == 0 {
			return 0, 0, geo.Errorf(geo.EINVALID, "place without geonameid")
		}
		if !geo.ValidLonLat(p.Lon, p.Lat) {
			return 0, 0, geo.Errorf(geo.EINVALID, "place %d: coordinates %v, %v out of range", p.GeonameID, p.Lon, p.Lat)
		}
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()

	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = tx.PrepareContext(ctx, q)
		return st
	}
	existing := prep(`SELECT name, asciiname, alternatenames FROM places WHERE geonameid = ?`)
	upsert := prep(`INSERT INTO places (` + placeColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (geonameid) DO UPDATE SET name = excluded.name, asciiname = excluded.asciiname,
		alternatenames = excluded.alternatenames, lat = excluded.lat, lon = excluded.lon,
		fclass = excluded.fclass, fcode = excluded.fcode, country = excluded.country,
		admin1 = excluded.admin1, admin2 = excluded.admin2, population = excluded.population`)
	delNames := prep(`DELETE FROM place_names WHERE geonameid = ?`)
	addName := prep(`INSERT OR IGNORE INTO place_names (name_key, geonameid) VALUES (?, ?)`)
	if err != nil {
		return 0, 0, FormatError(err)
	}
	defer existing.Close()
	defer upsert.Close()
	defer delNames.Close()
	defer addName.Close()

	for _, p := range places {
		if err := ctx.Err(); err != nil {
			return 0, 0, err
		}
		alt := strings.Join(p.AltNames, ",")
		var name, ascii, oldAlt string
		found := true
		switch err := existing.QueryRowContext(ctx, p.GeonameID).Scan(&name, &ascii, &oldAlt); {
		case errors.Is(err, sql.ErrNoRows):
			found = false
		case err != nil:
			return 0, 0, FormatError(err)
		}
		if _, err := upsert.ExecContext(ctx, p.GeonameID, p.Name, p.ASCIIName, alt, p.Lat, p.Lon,
			p.FeatureClass, p.FeatureCode, p.CountryCode, p.Admin1Code, p.Admin2Code, p.Population); err != nil {
			return 0, 0, FormatError(err)
		}
		if found {
			updated++
			if name == p.Name && ascii == p.ASCIIName && oldAlt == alt {
				continue
			}
			if _, err := delNames.ExecContext(ctx, p.GeonameID); err != nil {
				return 0, 0, FormatError(err)
			}
		} else {
			inserted++
		}
		for _, key := range placeKeys(p) {
			if _, err := addName.ExecContext(ctx, key, p.GeonameID); err != nil {
				return 0, 0, FormatError(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, FormatError(err)
	}
	return inserted, updated, nil
}

// placeKeys returns the distinct name keys of p: name, ASCII name and
// every alternate name.
func placeKeys(p *geo.Place) []string {
	keys := make([]string, 0, 2+len(p.AltNames))
	seen := make(map[string]bool, cap(keys))
	add := func(s string) {
		if k := NameKey(s); k != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	add(p.Name)
	add(p.ASCIIName)
	for _, a := range p.AltNames {
		add(a)
	}
	return keys
}

func scanPlace(s rowScanner) (*geo.Place, error) {
	var p geo.Place
	var alt string
	if err := s.Scan(&p.GeonameID, &p.Name, &p.ASCIIName, &alt, &p.Lat, &p.Lon, &p.FeatureClass,
		&p.FeatureCode, &p.CountryCode, &p.Admin1Code, &p.Admin2Code, &p.Population); err != nil {
		return nil, err
	}
	if alt != "" {
		p.AltNames = strings.Split(alt, ",")
	}
	return &p, nil
}

// EachPlace calls fn for every stored place, with every field and its
// alternate names, in geonameid order. It stops at the first error fn
// returns and returns it. The read is on a connection of its own (see
// withScanConn).
func (db *DB) EachPlace(ctx context.Context, fn func(*geo.Place) error) error {
	return db.withScanConn(ctx, func(conn *sql.Conn) error {
		rows, err := conn.QueryContext(ctx, `SELECT `+placeColumns+` FROM places ORDER BY geonameid`)
		if err != nil {
			return FormatError(err)
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanPlace(rows)
			if err != nil {
				return err
			}
			if err := fn(p); err != nil {
				return err
			}
		}
		return FormatError(rows.Err())
	})
}

// CountPlaces returns how many places and distinct (name key, place)
// pairs are stored. Counting reads every page of both tables, so it runs
// on a connection of its own (see withScanConn).
func (db *DB) CountPlaces(ctx context.Context) (places, names int, err error) {
	err = db.withScanConn(ctx, func(conn *sql.Conn) error {
		return conn.QueryRowContext(ctx,
			`SELECT (SELECT count(*) FROM places), (SELECT count(*) FROM place_names)`).Scan(&places, &names)
	})
	return places, names, FormatError(err)
}

// withScanConn runs fn, a read of a whole table, on a reader connection
// that it closes afterwards, so that the pages the scan cached (up to
// cache_size, or every page it touched if the file is memory-mapped) leave
// the process with it instead of staying with a pooled connection until it
// idles out minutes later. The gazetteer's tables are about 50 MB. An
// in-memory database has one connection, which fn uses as it is.
func (db *DB) withScanConn(ctx context.Context, fn func(*sql.Conn) error) error {
	conn, err := db.rdb.Conn(ctx)
	if err != nil {
		return FormatError(err)
	}
	err = fn(conn)
	if db.rdb == db.wdb {
		return errors.Join(err, conn.Close())
	}
	// ErrBadConn from Raw makes database/sql close the connection instead
	// of returning it to the pool; that also ends conn.
	conn.Raw(func(any) error { return driver.ErrBadConn })
	return err
}

// FindPlacesByName returns the places with any name (main, ASCII or
// alternate) whose NameKey equals NameKey(name), most populous first.
func (db *DB) FindPlacesByName(ctx context.Context, name string) ([]*geo.Place, error) {
	rows, err := db.rdb.QueryContext(ctx, `SELECT `+placeColumns+` FROM places WHERE geonameid IN
		(SELECT geonameid FROM place_names WHERE name_key = ?) ORDER BY population DESC, geonameid`, NameKey(name))
	if err != nil {
		return nil, FormatError(err)
	}
	defer rows.Close()
	places := []*geo.Place{}
	for rows.Next() {
		p, err := scanPlace(rows)
		if err != nil {
			return nil, err
		}
		places = append(places, p)
	}
	return places, FormatError(rows.Err())
}
