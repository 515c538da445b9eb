package main

import (
	"fmt"
	"net"
	"os"
	"strconv"
)

// Config is the configuration of `incidentmap serve`.
type Config struct {
	DB           string // SQLite database path
	Addr         string // listen address host:port
	Assets       string // npm datasets directory (default gazetteer, vendor files)
	Samples      bool   // ingest the bundled sample reports into an empty database
	Outlets      string // outlet alias file
	Token        string // bearer token for writes (INCIDENTMAP_TOKEN)
	Private      bool   // reads need the token too (or a browser session from the login page)
	BehindHTTPS  bool   // --behind-https: a TLS proxy is in front; session cookies are Secure
	MaxBodyBytes int64
	RowCacheMB   int    // --row-cache-mb: memory for incidents read for pages (store/rowcache.go); 0 turns it off
	StaticDir    string // serve the map from this directory instead of the embedded copy (development)
	BaseMap      string // --basemap: an MBTiles file served at /tiles/basemap (tiles.go)
	WorldAtlas   string // --world-atlas: the world-atlas package for the offline base map; "" means <Assets>/world-atlas
	Verbose      bool
}

// DefaultConfig returns the configuration used when no flag is given.
func DefaultConfig() Config {
	return Config{
		DB:           "incidentmap.db",
		Addr:         "localhost:8080",
		Assets:       defaultAssetsDir(),
		MaxBodyBytes: 10 << 20,
		RowCacheMB:   24,
	}
}

// applyEnv overlays environment variables; flags given explicitly win
// because they are parsed afterwards.
func (c *Config) applyEnv() error {
	if v := os.Getenv("INCIDENTMAP_TOKEN"); v != "" {
		c.Token = v
	}
	if v := os.Getenv("INCIDENTMAP_DB"); v != "" {
		c.DB = v
	}
	if v := os.Getenv("INCIDENTMAP_ADDR"); v != "" {
		c.Addr = v
	}
	if v := os.Getenv("INCIDENTMAP_PRIVATE"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("INCIDENTMAP_PRIVATE=%q: want true or false", v)
		}
		c.Private = b
	}
	if v := os.Getenv("INCIDENTMAP_BEHIND_HTTPS"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("INCIDENTMAP_BEHIND_HTTPS=%q: want true or false", v)
		}
		c.BehindHTTPS = b
	}
	return nil
}

// Validate reports the first configuration error.
func (c *Config) Validate() error {
	if c.DB == "" {
		return fmt.Errorf("--db: a database path is required")
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--addr %q: want HOST:PORT (e.g. localhost:8080): %v", c.Addr, err)
	}
	if len(c.Token) > 0 && len(c.Token) < 16 {
		return fmt.Errorf("INCIDENTMAP_TOKEN is too short: use at least 16 characters")
	}
	if c.RowCacheMB < 0 {
		return fmt.Errorf("--row-cache-mb %d: must be 0 (off) or more", c.RowCacheMB)
	}
	if c.MaxBodyBytes < 1024 {
		return fmt.Errorf("--max-body %d: must be at least 1024 bytes", c.MaxBodyBytes)
	}
	return nil
}
