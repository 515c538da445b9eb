package store

import (
	"context"
	"strings"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
)

func TestTokens(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTokenDB(t)
	tok, id, err := db.CreateToken(ctx, "field team")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, "imt_") || len(tok) < 40 {
		t.Fatalf("token %q: want imt_ and 256 bits", tok)
	}
	tok2, _, err := db.CreateToken(ctx, "desk")
	if err != nil {
		t.Fatal(err)
	}
	if tok2 == tok {
		t.Fatal("two tokens are equal")
	}

	t.Run("only the hash is stored", func(t *testing.T) {
		var n int
		if err := db.rdb.QueryRowContext(ctx, `SELECT count(*) FROM api_tokens WHERE hash = ? OR CAST(hash AS TEXT) = ?`, tok, tok).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("the token itself is stored in %d rows", n)
		}
	})
	// Change the last character to one it is not (a fixed letter would
	// give the token back when it already ends in that letter).
	off := tok[:len(tok)-1] + "x"
	if off == tok {
		off = tok[:len(tok)-1] + "y"
	}
	for _, tc := range []struct {
		name, token, wantName string
		wantOK                bool
	}{
		{"valid", tok, "field team", true},
		{"second", tok2, "desk", true},
		{"empty", "", "", false},
		{"one char off", off, "", false},
		{"prefix", tok[:20], "", false},
		{"sql", "' OR 1=1 --", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name, ok, err := db.CheckToken(ctx, tc.token)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tc.wantOK || name != tc.wantName {
				t.Fatalf("CheckToken = %q, %v; want %q, %v", name, ok, tc.wantName, tc.wantOK)
			}
		})
	}
	t.Run("revoke", func(t *testing.T) {
		if err := db.RevokeToken(ctx, id); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := db.CheckToken(ctx, tok); ok {
			t.Fatal("revoked token still accepted")
		}
		if _, ok, _ := db.CheckToken(ctx, tok2); !ok {
			t.Fatal("other token refused after revoking the first")
		}
		if err := db.RevokeToken(ctx, id); geo.ErrorCode(err) != geo.ENOTFOUND {
			t.Fatalf("second revoke: %v, want not_found", err)
		}
		list, err := db.ListTokens(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || !list[0].Revoked || list[1].Revoked || list[0].Name != "field team" {
			t.Fatalf("ListTokens = %+v", list)
		}
	})
}

// mustOpenTokenDB opens a file database: CheckToken reads through the
// reader pool, which a file database keeps apart from the writer.
func mustOpenTokenDB(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(tb.TempDir() + "/tokens.db")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// TestTokenSessions checks what browser sessions rely on: TokenID names a
// valid token by the id CreateToken returned, and TokenActive turns false
// when that token is revoked (and for ids that never existed).
func TestTokenSessions(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTokenDB(t)
	tok, id, err := db.CreateToken(ctx, "field team")
	if err != nil {
		t.Fatal(err)
	}
	tok2, id2, err := db.CreateToken(ctx, "desk")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		token  string
		wantID int64
		wantOK bool
	}{
		{tok, id, true},
		{tok2, id2, true},
		{"", 0, false},
		{tok + "x", 0, false},
	} {
		if got, ok, err := db.TokenID(ctx, tc.token); err != nil || got != tc.wantID || ok != tc.wantOK {
			t.Errorf("TokenID(%.12q…) = %d, %v, %v; want %d, %v", tc.token, got, ok, err, tc.wantID, tc.wantOK)
		}
	}
	active := func(id int64) bool {
		t.Helper()
		ok, err := db.TokenActive(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !active(id) || !active(id2) || active(id2+1) || active(0) {
		t.Fatalf("TokenActive: %d %v, %d %v, %d %v, 0 %v; want true, true, false, false",
			id, active(id), id2, active(id2), id2+1, active(id2+1), active(0))
	}
	if err := db.RevokeToken(ctx, id); err != nil {
		t.Fatal(err)
	}
	if active(id) || !active(id2) {
		t.Errorf("after revoking %d: TokenActive %v, %v; want false, true", id, active(id), active(id2))
	}
	if _, ok, _ := db.TokenID(ctx, tok); ok {
		t.Error("TokenID accepts a revoked token")
	}
}
