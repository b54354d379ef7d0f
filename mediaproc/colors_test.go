package mediaproc

import (
	"image"
	"image/color"
	"testing"
)

// TestColorsOf: the background is the edge's colour, the foreground and accent the
// farthest colour of enough contrast, and what is missing is made from the
// background, as Mastodon's colour extractor picks them (each a bin's centre).
func TestColorsOf(t *testing.T) {
	framed := image.NewNRGBA(image.Rect(0, 0, 200, 120))
	for y := range 120 {
		for x := range 200 {
			c := color.NRGBA{R: 255, G: 255, B: 255, A: 255}
			if x >= 60 && x < 140 && y >= 40 && y < 80 {
				c = color.NRGBA{B: 255, A: 255}
			}
			framed.SetNRGBA(x, y, c)
		}
	}
	plain := image.NewNRGBA(image.Rect(0, 0, 10, 10))
	for i := range plain.Pix {
		plain.Pix[i] = map[int]uint8{0: 255, 3: 255}[i%4]
	}
	for _, tt := range []struct {
		name string
		img  image.Image
		want Colors
	}{
		// Blue on white: blue is both, of more contrast than the grey made for the other.
		{"blue framed in white", framed, Colors{Background: "#f3f3f3", Foreground: "#0c0cf3", Accent: "#0c0cf3"}},
		// One colour: both made by darkening it, by 35 and 50 points of lightness.
		{"red alone", plain, Colors{Background: "#f30c0c", Foreground: "#000000", Accent: "#490303"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := ColorsOf(tt.img); got == nil || *got != tt.want {
				t.Errorf("colors %+v, want %+v", got, tt.want)
			}
		})
	}
	if got := ColorsOf(image.NewNRGBA(image.Rectangle{})); got != nil {
		t.Errorf("no pixel: %+v", got)
	}
}
