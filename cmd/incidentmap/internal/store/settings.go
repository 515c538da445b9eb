package store

import (
	"context"
	"database/sql"
	"errors"
)

// Setting returns the value stored under key, and whether there is one.
func (db *DB) Setting(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := db.rdb.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, FormatError(err)
	}
	return v, true, nil
}

// SetSetting stores value under key, replacing what was there.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	return db.writeSetting(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
}

// SettingOrInit returns the value stored under key, first storing init
// there if the key has none. Of two processes initialising the same key at
// once, both get the value that was stored first.
func (db *DB) SettingOrInit(ctx context.Context, key, init string) (string, error) {
	err := db.writeSetting(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, init)
	if err != nil {
		return "", err
	}
	var v string
	if err := db.wdb.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v); err != nil {
		return "", FormatError(err)
	}
	return v, nil
}

// DeleteSetting removes key; removing a key that is not there is no error.
func (db *DB) DeleteSetting(ctx context.Context, key string) error {
	return db.writeSetting(ctx, `DELETE FROM settings WHERE key = ?`, key)
}

func (db *DB) writeSetting(ctx context.Context, q string, args ...any) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return FormatError(err)
	}
	return FormatError(tx.Commit())
}
