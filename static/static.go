// Package static holds incidentmap's browser front end: the map page, the
// report view, their scripts and styles, and the vendored third-party
// libraries (Leaflet, leaflet.markercluster, topojson-client and the
// world-atlas country shapes) that static/vendor/install.sh copies from
// node_modules. The server serves FS at "/".
package static

import "embed"

// FS is the front end, read-only. vendor/ holds only README.md and
// install.sh until `make assets` has run; the page then loads without its
// libraries, which static_test.go reports.
//
//go:embed index.html app.js app.css common.js histogram.js report.html report.js review.js vendor
var FS embed.FS
