package tiles

import (
	"cmp"
	"image"
	"image/color"
	"slices"
)

// encodeTilePNG encodes a base-map tile. Tiles of at most 256 colours are
// encoded exactly, as encodePNG does. A tile with more, from anti-aliased
// labels and borders, keeps its 256 commonest colours exactly (the fills
// and text, nearly every pixel) and gives each rarer colour, a few edge
// pixels, the nearest kept one. A paletted PNG skips the per-row filter search and
// deflates a quarter of the bytes: at z4 it halved the render time.
//
// Written here rather than taken from a quantizer library (median cut,
// octree) because those move the flat fill colours too, and the tiles
// must match the style's colours exactly where they are flat.
func encodeTilePNG(img *image.RGBA) ([]byte, error) {
	if p := toPaletted(img); p != nil {
		return writePNG(p)
	}
	return writePNG(quantize(img, 256))
}

// toPaletted returns img with its colours in a palette, or nil when it has
// more than 256. Neighbouring pixels mostly share a colour, so the palette
// map is consulted only where the colour changes.
func toPaletted(img *image.RGBA) *image.Paletted {
	b := img.Bounds()
	p := image.NewPaletted(b, make(color.Palette, 0, 256))
	index := make(map[uint32]uint8, 256)
	w := b.Dx()
	for y := range b.Dy() {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		out := p.Pix[y*p.Stride : y*p.Stride+w]
		last, lastIdx := uint32(0), uint8(0)
		for x := range w {
			c := packRGBA(row[4*x : 4*x+4 : 4*x+4])
			if x == 0 || c != last {
				i, ok := index[c]
				if !ok {
					if len(p.Palette) == 256 {
						return nil
					}
					i = uint8(len(p.Palette))
					index[c] = i
					p.Palette = append(p.Palette, unpackRGBA(c))
				}
				last, lastIdx = c, i
			}
			out[x] = lastIdx
		}
	}
	return p
}

// quantize returns img with at most n colours: the n commonest exactly,
// every other colour as its nearest among them.
func quantize(img *image.RGBA, n int) *image.Paletted {
	b := img.Bounds()
	w := b.Dx()
	counts := make(map[uint32]int, 1024)
	// Count runs, not pixels: neighbours mostly share a colour.
	for y := range b.Dy() {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		run, last := 0, packRGBA(row[0:4:4])
		for x := 4; x < len(row); x += 4 {
			run++
			if c := packRGBA(row[x : x+4 : x+4]); c != last {
				counts[last] += run
				run, last = 0, c
			}
		}
		counts[last] += run + 1
	}
	type colourCount struct {
		c uint32
		n int
	}
	byCount := make([]colourCount, 0, len(counts))
	for c, n := range counts {
		byCount = append(byCount, colourCount{c, n})
	}
	// Commonest first; ties by value so the palette is deterministic.
	slices.SortFunc(byCount, func(a, b colourCount) int {
		if d := cmp.Compare(b.n, a.n); d != 0 {
			return d
		}
		return cmp.Compare(a.c, b.c)
	})
	all := make([]uint32, len(byCount))
	for i, cc := range byCount {
		all[i] = cc.c
	}
	kept := all[:min(n, len(all))]
	index := make(map[uint32]uint8, len(all))
	pal := make(color.Palette, len(kept))
	for i, c := range kept {
		index[c] = uint8(i)
		pal[i] = unpackRGBA(c)
	}
	// A rare colour is an edge blend of common ones, so the nearest of
	// the 64 commonest serves as well as the nearest of all 256, at a
	// quarter of the cost (thousands of rare colours at z4).
	candidates := kept[:min(64, len(kept))]
	for _, c := range all[len(kept):] {
		index[c] = nearest(candidates, c)
	}
	p := image.NewPaletted(b, pal)
	for y := range b.Dy() {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		out := p.Pix[y*p.Stride : y*p.Stride+w]
		last, lastIdx := uint32(0), uint8(0)
		for x := range w {
			c := packRGBA(row[4*x : 4*x+4 : 4*x+4])
			if x == 0 || c != last {
				last, lastIdx = c, index[c]
			}
			out[x] = lastIdx
		}
	}
	return p
}

func packRGBA(px []byte) uint32 {
	return uint32(px[0]) | uint32(px[1])<<8 | uint32(px[2])<<16 | uint32(px[3])<<24
}

func unpackRGBA(c uint32) color.RGBA {
	return color.RGBA{uint8(c), uint8(c >> 8), uint8(c >> 16), uint8(c >> 24)}
}

// nearest returns the index in pal of the colour closest to c (squared
// distance over the four channels).
func nearest(pal []uint32, c uint32) uint8 {
	best, bestD := 0, int(^uint(0)>>1)
	for i, p := range pal {
		d := 0
		for shift := 0; shift < 32; shift += 8 {
			v := int(uint8(c>>shift)) - int(uint8(p>>shift))
			d += v * v
		}
		if d < bestD {
			best, bestD = i, d
		}
	}
	return uint8(best)
}
