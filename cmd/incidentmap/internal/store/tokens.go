package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// TokenInfo describes a stored API token; the token itself is never kept.
type TokenInfo struct {
	ID      int64
	Name    string
	Created time.Time
	Revoked bool
}

// tokenBytes is the entropy of a new token: 256 bits.
const tokenBytes = 32

// CreateToken makes a new random write token called name, stores only its
// SHA-256 and returns the token. The caller must show it now: it cannot be
// recovered later.
func (db *DB) CreateToken(ctx context.Context, name string) (token string, id int64, err error) {
	if len(name) > 200 {
		return "", 0, geo.Errorf(geo.EINVALID, "token name longer than 200 bytes")
	}
	buf := make([]byte, tokenBytes)
	if _, err := rand.Read(buf); err != nil {
		return "", 0, err
	}
	token = "imt_" + base64.RawURLEncoding.EncodeToString(buf)
	sum := sha256.Sum256([]byte(token))
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return "", 0, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (name, hash, created_at) VALUES (?, ?, ?)`,
		name, sum[:], db.Now().UTC().Format(time.RFC3339))
	if err != nil {
		return "", 0, FormatError(err)
	}
	if id, err = res.LastInsertId(); err != nil {
		return "", 0, err
	}
	if err := tx.Commit(); err != nil {
		return "", 0, FormatError(err)
	}
	return token, id, nil
}

// CheckToken reports whether token is a stored, unrevoked token and
// returns its name. The token is hashed and compared against every valid
// hash in constant time, without an early exit, so neither the lookup nor
// the comparison tells a caller how close a guess was. There are a handful
// of tokens per server, so the scan costs nothing.
func (db *DB) CheckToken(ctx context.Context, token string) (name string, ok bool, err error) {
	_, name, ok, err = db.findToken(ctx, token)
	return name, ok, err
}

// TokenID is CheckToken returning the token's id instead of its name: a
// browser session made with the token names it by id (server/session.go),
// so that revoking the token ends the session.
func (db *DB) TokenID(ctx context.Context, token string) (id int64, ok bool, err error) {
	id, _, ok, err = db.findToken(ctx, token)
	return id, ok, err
}

// findToken looks token up as CheckToken describes.
func (db *DB) findToken(ctx context.Context, token string) (id int64, name string, ok bool, err error) {
	if token == "" {
		return 0, "", false, nil
	}
	sum := sha256.Sum256([]byte(token))
	rows, err := db.rdb.QueryContext(ctx, `SELECT id, name, hash FROM api_tokens WHERE revoked_at IS NULL`)
	if err != nil {
		return 0, "", false, FormatError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var i int64
		var n string
		var h []byte
		if err := rows.Scan(&i, &n, &h); err != nil {
			return 0, "", false, err
		}
		if subtle.ConstantTimeCompare(sum[:], h) == 1 && !ok {
			id, name, ok = i, n, true
		}
	}
	return id, name, ok, FormatError(rows.Err())
}

// TokenActive reports whether stored token id exists and is not revoked.
// Every request of a browser session asks it (one primary-key lookup), so
// a revocation takes effect at once, as it does for the token itself.
func (db *DB) TokenActive(ctx context.Context, id int64) (bool, error) {
	var n int
	err := db.rdb.QueryRowContext(ctx, `SELECT count(*) FROM api_tokens WHERE id = ? AND revoked_at IS NULL`, id).Scan(&n)
	if err != nil {
		return false, FormatError(err)
	}
	return n == 1, nil
}

// RevokeToken revokes token id; requests carrying it are refused from then
// on. ENOTFOUND if there is no such token.
func (db *DB) RevokeToken(ctx context.Context, id int64) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`,
		db.Now().UTC().Format(time.RFC3339), id)
	if err != nil {
		return FormatError(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return geo.Errorf(geo.ENOTFOUND, "token %d not found or already revoked", id)
	}
	return FormatError(tx.Commit())
}

// ListTokens returns every stored token, oldest first, without secrets.
func (db *DB) ListTokens(ctx context.Context) ([]TokenInfo, error) {
	rows, err := db.rdb.QueryContext(ctx, `SELECT id, name, created_at, revoked_at IS NOT NULL FROM api_tokens ORDER BY id`)
	if err != nil {
		return nil, FormatError(err)
	}
	defer rows.Close()
	var out []TokenInfo
	for rows.Next() {
		var t TokenInfo
		var created string
		if err := rows.Scan(&t.ID, &t.Name, &created, &t.Revoked); err != nil {
			return nil, err
		}
		if t.Created, err = time.Parse(time.RFC3339, created); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, FormatError(rows.Err())
}
