#!/bin/sh
# install.sh copies the front-end libraries the map needs from node_modules
# into static/vendor/, where go:embed picks them up. Run it from the repo root
# after `npm ci` (the Makefile's `assets` target does both).
set -eu

nm=node_modules
dst=static/vendor

if [ ! -d "$nm/leaflet/dist" ]; then
	echo "install.sh: $nm/leaflet/dist not found; run npm ci from the repo root first" >&2
	exit 1
fi

mkdir -p "$dst/leaflet/images" "$dst/markercluster"

cp "$nm/leaflet/dist/leaflet.js" "$nm/leaflet/dist/leaflet.css" "$dst/leaflet/"
cp "$nm"/leaflet/dist/images/* "$dst/leaflet/images/"

cp "$nm/leaflet.markercluster/dist/leaflet.markercluster.js" \
	"$nm/leaflet.markercluster/dist/MarkerCluster.css" \
	"$nm/leaflet.markercluster/dist/MarkerCluster.Default.css" \
	"$dst/markercluster/"

cp "$nm/topojson-client/dist/topojson-client.min.js" "$dst/topojson-client.min.js"
cp "$nm/world-atlas/countries-50m.json" "$dst/countries-50m.json"

# Licences travel with the code we serve.
cp "$nm/leaflet/LICENSE" "$dst/leaflet/LICENSE"
cp "$nm/leaflet.markercluster/MIT-LICENCE.txt" "$dst/markercluster/LICENSE"
cp "$nm/topojson-client/LICENSE" "$dst/topojson-client.LICENSE"
cp "$nm/world-atlas/LICENSE" "$dst/world-atlas.LICENSE"
