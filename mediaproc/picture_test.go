package mediaproc

import (
	"bytes"
	"image/color"
	"image/gif"
	"image/png"
	"os"
	"testing"
)

// TestPictureFilesAnimated: an animated GIF stays an animated GIF at the picture's
// size, frames, delays and loop kept, with a still PNG of its first frame; a still GIF
// and an animation too large at that size give a still picture and no static file.
func TestPictureFilesAnimated(t *testing.T) {
	data, err := os.ReadFile("testdata/animated.gif")
	if err != nil {
		t.Fatal(err)
	}
	src, err := gif.DecodeAll(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	p := newProcessor(t, Options{})
	pic, static, err := p.PictureFiles(data, 400, 400)
	if err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(bytes.NewReader(pic.Data))
	if err != nil {
		t.Fatalf("the picture is no GIF (%s): %v", pic.ContentType, err)
	}
	if pic.ContentType != "image/gif" || pic.Extension != ".gif" || len(g.Image) != len(src.Image) || len(g.Image) < 2 ||
		g.Config.Width != 400 || g.Config.Height != 400 || g.LoopCount != src.LoopCount || g.Delay[1] != src.Delay[1] {
		t.Fatalf("animated picture: %s, %d frames (of %d), %dx%d, loop %d, delays %v (of %v)", pic.ContentType,
			len(g.Image), len(src.Image), g.Config.Width, g.Config.Height, g.LoopCount, g.Delay, src.Delay)
	}
	for i, want := range []color.RGBA{{255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}} { // red, lime, blue
		if got := color.RGBAModel.Convert(g.Image[i].At(200, 200)); got != want {
			t.Fatalf("frame %d is %v, want %v", i, got, want)
		}
	}
	img, err := png.Decode(bytes.NewReader(static.Data))
	if err != nil || static.ContentType != "image/png" || img.Bounds().Dx() != 400 || img.Bounds().Dy() != 400 {
		t.Fatalf("static picture %s: %v, %v", static.ContentType, err, img)
	}
	if got := color.RGBAModel.Convert(img.At(200, 200)); got != (color.RGBA{255, 0, 0, 255}) {
		t.Fatalf("the static picture is %v, not the first frame's red", got)
	}

	for name, opts := range map[string]Options{"static.gif": {}, "animated.gif": {MaxAnimationPixels: 2 * 400 * 400}} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		pic, static, err := newProcessor(t, opts).PictureFiles(data, 400, 400)
		if err != nil || pic.ContentType != "image/png" || static.Data != nil {
			t.Fatalf("%s: %s, static %d bytes, %v", name, pic.ContentType, len(static.Data), err)
		}
	}
}
