package static

import (
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// vendored are the files static/vendor/install.sh must provide; the pages
// reference each of them.
var vendored = []string{
	"vendor/leaflet/leaflet.js",
	"vendor/leaflet/leaflet.css",
	"vendor/leaflet/images/layers.png",
	"vendor/leaflet/images/marker-icon.png",
	"vendor/markercluster/leaflet.markercluster.js",
	"vendor/markercluster/MarkerCluster.css",
	"vendor/markercluster/MarkerCluster.Default.css",
	"vendor/topojson-client.min.js",
	"vendor/countries-50m.json",
}

func TestEmbeddedFiles(t *testing.T) {
	var top []string
	entries, err := fs.ReadDir(FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		top = append(top, e.Name())
	}
	want := []string{"app.css", "app.js", "common.js", "histogram.js", "index.html", "report.html", "report.js", "review.js", "vendor"}
	if !slices.Equal(top, want) {
		t.Errorf("top-level files = %v, want %v", top, want)
	}
	for _, name := range []string{"vendor/README.md", "vendor/install.sh"} {
		if _, err := fs.Stat(FS, name); err != nil {
			t.Errorf("%s not embedded: %v", name, err)
		}
	}

	t.Run("vendor", func(t *testing.T) {
		var missing []string
		for _, name := range vendored {
			if _, err := fs.Stat(FS, name); err != nil {
				missing = append(missing, name)
			}
		}
		if len(missing) == 0 {
			return
		}
		msg := "vendor files missing (run make assets, or sh static/vendor/install.sh, before go test): " + strings.Join(missing, ", ")
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	})
}

var (
	scriptTag = regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script>`)
	eventAttr = regexp.MustCompile(`(?i)<[^>]*\son[a-z]+\s*=`)
	assetRef  = regexp.MustCompile(`(?i)\s(?:src|href)="([^"]*)"`)
)

// TestPagesObeyCSP checks what the server's Content-Security-Policy
// (script-src 'self') would otherwise break at run time: inline scripts,
// inline event handlers, javascript: URLs and assets from other hosts.
// Every local asset a page names must be embedded.
func TestPagesObeyCSP(t *testing.T) {
	for _, page := range []string{"index.html", "report.html"} {
		t.Run(page, func(t *testing.T) {
			b, err := fs.ReadFile(FS, page)
			if err != nil {
				t.Fatal(err)
			}
			html := string(b)
			for _, m := range scriptTag.FindAllStringSubmatch(html, -1) {
				if !strings.Contains(m[1], "src=") || strings.TrimSpace(m[2]) != "" {
					t.Errorf("inline script: %.80s", m[0])
				}
			}
			if m := eventAttr.FindString(html); m != "" {
				t.Errorf("inline event handler: %.80s", m)
			}
			if strings.Contains(strings.ToLower(html), "javascript:") {
				t.Error("page contains a javascript: URL")
			}
			for _, m := range assetRef.FindAllStringSubmatch(html, -1) {
				ref := m[1]
				switch {
				case strings.HasPrefix(ref, "data:"), ref == "/", strings.HasPrefix(ref, "/api/"), strings.HasPrefix(ref, "#"):
				case strings.HasPrefix(ref, "/"):
					if _, err := fs.Stat(FS, strings.TrimPrefix(ref, "/")); err != nil && !strings.HasPrefix(ref, "/vendor/") {
						t.Errorf("%s references %s, which is not embedded", page, ref)
					}
					if !slices.Contains(vendored, strings.TrimPrefix(ref, "/")) && strings.HasPrefix(ref, "/vendor/") {
						t.Errorf("%s references %s, which install.sh does not provide", page, ref)
					}
				default:
					t.Errorf("%s loads %s from elsewhere; serve it from /vendor", page, ref)
				}
			}
		})
	}
}

// htmlSinks are the DOM APIs that parse strings as HTML or code. The front
// end renders user text (reports, places, sources) with textContent and
// text nodes only, so none may appear in our scripts.
var htmlSinks = regexp.MustCompile(`\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|\beval\(|new Function\(|setTimeout\(\s*['"\x60]|createContextualFragment`)

func TestScriptsUseNoHTMLSinks(t *testing.T) {
	scripts, err := fs.Glob(FS, "*.js")
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) == 0 {
		t.Fatal("no scripts embedded")
	}
	for _, name := range scripts {
		b, err := fs.ReadFile(FS, name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if m := htmlSinks.FindString(line); m != "" {
				t.Errorf("%s:%d uses %s; render user text with textContent or text nodes", name, i+1, m)
			}
			if m := leafletHTML.FindString(line); m != "" {
				t.Errorf("%s:%d gives Leaflet a string (%s), which it sets as innerHTML; pass a DOM node built with el()", name, i+1, m)
			}
		}
	}
}

// leafletHTML matches Leaflet calls that take their content as an HTML
// string: a tooltip, popup or div icon given a string literal, a template
// or a function returning one. Leaflet sets such strings with innerHTML
// (Tooltip/Popup _updateContent, DivIcon createIcon), so outlet names in a
// server cluster's tooltip became markup (issue 20, defect 2). An element
// or a function returning an element is appended as a node instead. The
// one string allowed is the empty html of a div icon.
var leafletHTML = regexp.MustCompile(`(?:bindTooltip|bindPopup|setContent|setTooltipContent|setPopupContent|L\.tooltip|L\.popup|addAttribution|setPrefix)\(\s*(?:\([^()]*\)\s*=>\s*|\w+\s*=>\s*|function\s*\([^()]*\)\s*\{\s*return\s+)?['"\x60]|\bhtml:\s*(?:['"\x60][^'"\x60]|[^\s'"\x60])`)

// TestLeafletHTMLPattern pins what leafletHTML catches, so the scan above
// neither misses a string handed to Leaflet nor flags a node.
func TestLeafletHTMLPattern(t *testing.T) {
	for _, tc := range []struct {
		line string
		want bool
	}{
		{"m.bindTooltip(`${c.count} incidents, mostly ${c.source}`, { direction: 'top' });", true},
		{"m.bindTooltip('<b>' + name + '</b>');", true},
		{"m.bindPopup(() => `<h3>${p.place}</h3>`);", true},
		{"m.bindPopup((m) => '<h3>' + m.props.place);", true},
		{"m.bindPopup(function (l) { return '<p>' + l.name; });", true},
		{"L.popup().setContent(\"<p>\" + text)", true},
		{"L.tooltip('x')", true},
		{"map.attributionControl.addAttribution(`${doc.attribution}`)", true},
		{"new MarkerIcon({ html: name })", true},
		{"L.divIcon({ html: '<span>' + n })", true},
		{"L.divIcon({ className: 'x', iconSize: [14, 14], html: '' })", false},
		{"m.bindTooltip(() => clusterTooltip(c), { direction: 'top' });", false},
		{"clusters.bindPopup((m) => popupContent(m.props), { maxWidth: 340 });", false},
		{"L.popup({ maxWidth: 360 }).setLatLng(ll).setContent(box).openOn(map);", false},
		{"m.bindPopup(() => el('div', { class: 'popup' }, p.place));", false},
	} {
		if got := leafletHTML.MatchString(tc.line); got != tc.want {
			t.Errorf("leafletHTML.MatchString(%q) = %v, want %v", tc.line, got, tc.want)
		}
	}
}
