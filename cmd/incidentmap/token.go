package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
)

// runToken manages the write tokens stored (hashed) in the database:
//
//	incidentmap token create --db PATH [--name NAME]
//	incidentmap token list   --db PATH
//	incidentmap token revoke --db PATH ID
func runToken(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "list" && args[0] != "revoke") {
		fmt.Fprintln(stderr, "Usage: incidentmap token create|list|revoke --db PATH [--name NAME] [ID]")
		return fmt.Errorf("token: want create, list or revoke")
	}
	sub := args[0]
	fs := newFlagSet("token "+sub, "--db PATH [--name NAME] [ID]",
		"Manage write tokens. A created token is printed once; only its SHA-256 is stored.\n"+
			"The server accepts these tokens as well as INCIDENTMAP_TOKEN.", stderr)
	dbPath := fs.String("db", "incidentmap.db", "SQLite database `path`")
	name := fs.String("name", "", "what the token is for (create)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if (sub == "revoke") != (fs.NArg() == 1) || fs.NArg() > 1 {
		return fmt.Errorf("token %s: unexpected arguments %q", sub, fs.Args())
	}
	// The store alone: tokens need neither the gazetteer nor the parser.
	db, err := store.Open(*dbPath)
	if err != nil {
		return fmt.Errorf("open database %s: %w", *dbPath, err)
	}
	defer db.Close()
	switch sub {
	case "create":
		tok, id, err := db.CreateToken(ctx, *name)
		if err != nil {
			return fmt.Errorf("token create: %s", errMessage(err))
		}
		fmt.Fprintln(stdout, tok)
		fmt.Fprintf(stderr, "token %d created; it is shown only now: send it as Authorization: Bearer <token>\n", id)
	case "list":
		list, err := db.ListTokens(ctx)
		if err != nil {
			return err
		}
		for _, t := range list {
			state := "valid"
			if t.Revoked {
				state = "revoked"
			}
			fmt.Fprintf(stdout, "%d\t%s\t%s\t%q\n", t.ID, t.Created.Format("2006-01-02T15:04:05Z"), state, t.Name)
		}
	case "revoke":
		id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil {
			return fmt.Errorf("token revoke: %q is not a token id (see token list)", fs.Arg(0))
		}
		if err := db.RevokeToken(ctx, id); err != nil {
			return fmt.Errorf("token revoke: %s", errMessage(err))
		}
		fmt.Fprintf(stdout, "token %d revoked\n", id)
	}
	return nil
}
