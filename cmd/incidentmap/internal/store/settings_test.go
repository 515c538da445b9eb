package store

import (
	"context"
	"path/filepath"
	"testing"
)

func TestSettings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, ok, err := db.Setting(ctx, "k"); err != nil || ok {
		t.Fatalf("missing key: ok %v, err %v", ok, err)
	}
	for _, v := range []string{"one", "two"} { // the second replaces the first
		if err := db.SetSetting(ctx, "k", v); err != nil {
			t.Fatal(err)
		}
		if got, ok, err := db.Setting(ctx, "k"); err != nil || !ok || got != v {
			t.Fatalf("after setting %q: %q, %v, %v", v, got, ok, err)
		}
	}
	// Kept across a reopen.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if db, err = Open(path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, ok, err := db.Setting(ctx, "k"); err != nil || !ok || got != "two" {
		t.Fatalf("after reopening: %q, %v, %v", got, ok, err)
	}
	for range 2 { // deleting twice is no error
		if err := db.DeleteSetting(ctx, "k"); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok, err := db.Setting(ctx, "k"); err != nil || ok {
		t.Fatalf("after deleting: ok %v, err %v", ok, err)
	}
}

// TestSettingOrInit checks that the first value stored wins: the session
// key of a database is made once and kept.
func TestSettingOrInit(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for _, init := range []string{"first", "second"} {
		got, err := db.SettingOrInit(ctx, "session_key", init)
		if err != nil || got != "first" {
			t.Fatalf("SettingOrInit(%q) = %q, %v; want \"first\"", init, got, err)
		}
	}
	if v, ok, err := db.Setting(ctx, "session_key"); err != nil || !ok || v != "first" {
		t.Fatalf("Setting = %q, %v, %v; want \"first\"", v, ok, err)
	}
}
