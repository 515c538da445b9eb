package attribute

import (
	"bufio"
	"io"
	"strings"

	"github.com/incidentmap/incidentmap/geo"
)

// OutletAliases maps the names an outlet goes by to one canonical name, so
// that "RT", "rt.com" and "Russia Today" count as one source. It is
// immutable after ParseOutletAliases and safe for concurrent use; the nil
// *OutletAliases applies only the default clean-up (see CleanOutlet).
//
// The file format is one outlet per line, canonical name first:
//
//	# comments and blank lines are ignored
//	RT = rt.com, Russia Today, https://www.rt.com/
//	Reuters = reuters.com
//
// Names are compared after CleanOutlet and without case, so "russia  today"
// matches "Russia Today". An alias may belong to one outlet only.
type OutletAliases struct {
	canon map[string]string // outletKey(name) → canonical name
}

// ParseOutletAliases reads an alias file (format above). It returns an
// EINVALID *Error naming the line for a line without "=", an empty name, or
// an alias claimed by two outlets.
func ParseOutletAliases(r io.Reader) (*OutletAliases, error) {
	a := &OutletAliases{canon: map[string]string{}}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, list, ok := strings.Cut(line, "=")
		if !ok {
			return nil, geo.Errorf(geo.EINVALID, "outlet aliases line %d: want 'Name = alias, alias', got %q", n, line)
		}
		canon := CleanOutlet(name)
		if canon == "" {
			return nil, geo.Errorf(geo.EINVALID, "outlet aliases line %d: empty outlet name", n)
		}
		for _, alias := range append([]string{canon}, strings.Split(list, ",")...) {
			key := outletKey(alias)
			if key == "" {
				continue
			}
			if prev, ok := a.canon[key]; ok && prev != canon {
				return nil, geo.Errorf(geo.EINVALID, "outlet aliases line %d: %q is already an alias of %q", n, strings.TrimSpace(alias), prev)
			}
			a.canon[key] = canon
		}
	}
	if err := sc.Err(); err != nil {
		return nil, geo.Errorf(geo.EINVALID, "outlet aliases: %v", err)
	}
	return a, nil
}

// Canonical returns the canonical name of an outlet: its configured name if
// name is a known alias, else CleanOutlet(name).
func (a *OutletAliases) Canonical(name string) string {
	clean := CleanOutlet(name)
	if a != nil {
		if c, ok := a.canon[outletKey(clean)]; ok {
			return c
		}
	}
	return clean
}

// Len returns how many names (canonical names and aliases) are configured.
func (a *OutletAliases) Len() int {
	if a == nil {
		return 0
	}
	return len(a.canon)
}

// CleanOutlet is the default outlet normalisation: it trims and collapses
// spaces, and reduces a URL or domain to its host without scheme, "www.",
// port, path or trailing dot ("https://www.RT.com/news/" → "rt.com").
// Other names keep their case ("Russia Today").
func CleanOutlet(name string) string {
	s := strings.Join(strings.Fields(name), " ")
	if s == "" {
		return ""
	}
	lower := strings.ToLower(s)
	isURL := false
	for _, scheme := range []string{"https://", "http://", "//"} {
		if strings.HasPrefix(lower, scheme) {
			lower, isURL = lower[len(scheme):], true
			break
		}
	}
	if !isURL && (strings.Contains(s, " ") || !strings.Contains(s, ".")) {
		return s
	}
	host := lower
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	if i := strings.LastIndex(host, "@"); i >= 0 {
		host = host[i+1:]
	}
	if i := strings.LastIndex(host, ":"); i >= 0 {
		host = host[:i]
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "www."), ".")
	if !isURL && !isDomain(host) {
		return s // "Jan. 5 Group" or "St. Louis Post": not a domain
	}
	return host
}

// isDomain reports whether s looks like a host name: dot-separated
// labels of letters, digits and hyphens, ending in a letter-only label.
func isDomain(s string) bool {
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" {
			return false
		}
		for _, r := range l {
			if !(r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127) {
				return false
			}
		}
	}
	for _, r := range labels[len(labels)-1] {
		if r >= '0' && r <= '9' {
			return false
		}
	}
	return true
}

// outletKey is the lookup key of an outlet name.
func outletKey(name string) string { return strings.ToLower(CleanOutlet(name)) }
