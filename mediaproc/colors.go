package mediaproc

import (
	"bytes"
	"cmp"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"slices"

	"github.com/disintegration/imaging"
	"github.com/lucasb-eyer/go-colorful"
)

// Colors is meta.colors of an attachment with a picture of its own (an audio's cover,
// or a custom thumbnail): the colours an audio player is drawn in, as "#rrggbb".
type Colors struct {
	Background string `json:"background"`
	Foreground string `json:"foreground"`
	Accent     string `json:"accent"`
}

// The thresholds of Mastodon's colour extractor (PaperclipProcessors::ColorExtractor).
const (
	minContrast       = 3.0 // foreground on background, W3C contrast ratio
	accentMinContrast = 2.0
	colorBins         = 10 // histogram bins per channel
	paletteSize       = 10
)

// ColorsOf picks the colours of a player from a picture as Mastodon's colour extractor
// does (its libvips path): the picture scaled to fit 100 pixels, a histogram of
// 10×10×10 bins of its edge band (the outer quarter on each side) and of the whole,
// each bin standing for its centre colour. The background is the edge's most frequent
// colour; of the whole's 10 most frequent, the accent candidate is the farthest from
// the background (CIEDE2000) with a contrast of at least 2, and the foreground
// candidate the farthest of the others with at least 3, a missing one made by
// lightening or darkening the background; the foreground is then the one of more
// contrast, the accent the more saturated. A picture of no pixel has none (nil).
func ColorsOf(img image.Image) *Colors {
	small := imaging.Fit(img, 100, 100, imaging.Box)
	b := small.Bounds()
	if b.Empty() {
		return nil
	}
	whole := palette(small, b)
	edge := palette(small, edgeBand(b)...)
	if len(edge) == 0 {
		edge = whole
	}
	if len(edge) == 0 {
		return nil
	}
	bg := edge[0]
	var picked []colorful.Color
	if c, ok := farthest(bg, whole, accentMinContrast, nil); ok {
		picked = append(picked, c)
	}
	if c, ok := farthest(bg, whole, minContrast, picked); ok {
		picked = append(picked, c)
	}
	for i := len(picked); i < 2; i++ {
		picked = append(picked, lightenOrDarken(bg, 35+i*15))
	}
	fg := slices.MaxFunc(picked, func(x, y colorful.Color) int { return cmp.Compare(contrast(bg, x), contrast(bg, y)) })
	accent := slices.MaxFunc(picked, func(x, y colorful.Color) int { return cmp.Compare(hsl(x)[1], hsl(y)[1]) })
	return &Colors{Background: hex(bg), Foreground: hex(fg), Accent: hex(accent)}
}

// ColorsOfFile is ColorsOf the picture of f, a small file this package made (a JPEG
// or a PNG): the colours of an audio's custom thumbnail.
func ColorsOfFile(f File) (*Colors, error) {
	decode := png.Decode
	if f.ContentType == FormatJPEG.ContentType() {
		decode = jpeg.Decode
	}
	img, err := decode(bytes.NewReader(f.Data))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, f.ContentType, err)
	}
	return ColorsOf(img), nil
}

// edgeBand is the outer quarter of b on each side: the top and bottom bands, and the
// left and right ones between them.
func edgeBand(b image.Rectangle) []image.Rectangle {
	bh, lw := b.Dy()/4, b.Dx()/4
	return []image.Rectangle{
		image.Rect(b.Min.X, b.Min.Y, b.Max.X, b.Min.Y+bh),
		image.Rect(b.Min.X, b.Max.Y-bh, b.Max.X, b.Max.Y),
		image.Rect(b.Min.X, b.Min.Y+bh, b.Min.X+lw, b.Max.Y-bh),
		image.Rect(b.Max.X-lw, b.Min.Y+bh, b.Max.X, b.Max.Y-bh),
	}
}

// palette is the centre colours of the most frequent histogram bins of the pixels of
// img within rects, most frequent first (ties by bin), at most paletteSize.
func palette(img *image.NRGBA, rects ...image.Rectangle) []colorful.Color {
	var counts [colorBins * colorBins * colorBins]int
	for _, r := range rects {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				i := img.PixOffset(x, y)
				p := img.Pix[i : i+3 : i+3]
				counts[bin(p[0])*colorBins*colorBins+bin(p[1])*colorBins+bin(p[2])]++
			}
		}
	}
	var bins []int
	for i, n := range counts {
		if n > 0 {
			bins = append(bins, i)
		}
	}
	slices.SortStableFunc(bins, func(a, b int) int { return cmp.Compare(counts[b], counts[a]) })
	out := make([]colorful.Color, 0, paletteSize)
	for _, i := range bins[:min(len(bins), paletteSize)] {
		out = append(out, colorful.Color{R: centre(i / (colorBins * colorBins)), G: centre(i / colorBins % colorBins), B: centre(i % colorBins)})
	}
	return out
}

func bin(v uint8) int { return int(v) * colorBins / 256 }

// centre is the middle of a bin, on the 0-1 scale.
func centre(bin int) float64 { return (float64(bin) + 0.5) * 256 / colorBins / 255 }

// farthest is the colour of palette farthest from bg with at least the contrast given,
// not among taken.
func farthest(bg colorful.Color, palette []colorful.Color, least float64, taken []colorful.Color) (colorful.Color, bool) {
	var best colorful.Color
	most, found := 0.0, false
	for _, c := range palette {
		if d := bg.DistanceCIEDE2000(c); d > most && contrast(bg, c) >= least && !slices.Contains(taken, c) {
			best, most, found = c, d, true
		}
	}
	return best, found
}

// contrast is the W3C contrast ratio of two colours.
func contrast(a, b colorful.Color) float64 {
	_, ya, _ := a.Xyz()
	_, yb, _ := b.Xyz()
	la, lb := ya+0.05, yb+0.05
	return max(la, lb) / min(la, lb)
}

// hsl is a colour's hue in degrees, and saturation and lightness in percent, each
// rounded as Mastodon's extractor rounds them.
func hsl(c colorful.Color) [3]float64 {
	h, s, l := c.Hsl()
	return [3]float64{math.Round(h), math.Round(s * 100), math.Round(l * 100)}
}

// lightenOrDarken moves a colour's lightness by `by` percent: up for a dark one, down
// for a light one.
func lightenOrDarken(c colorful.Color, by int) colorful.Color {
	v := hsl(c)
	l := v[2]
	if l < 50 {
		l = min(100, l+float64(by))
	} else {
		l = max(0, l-float64(by))
	}
	out := colorful.Hsl(v[0], v[1]/100, l/100)
	return colorful.Color{R: math.Round(out.R*255) / 255, G: math.Round(out.G*255) / 255, B: math.Round(out.B*255) / 255}
}

// hex writes a colour as "#rrggbb", each channel's 0-255 value truncated as Ruby's
// format("%02x") truncates the bins' fractional centres.
func hex(c colorful.Color) string {
	ch := func(v float64) int { return int(math.Min(255, math.Max(0, v*255+1e-9))) }
	return fmt.Sprintf("#%02x%02x%02x", ch(c.R), ch(c.G), ch(c.B))
}
