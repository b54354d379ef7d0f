package mediaproc

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"

	"github.com/disintegration/imaging"
)

// PictureFiles makes an account picture of an upload as Picture does, but for an
// animated GIF, which stays an animated GIF, each frame cut and scaled to w×h, with
// static its first frame as a PNG (Mastodon's avatar and avatar_static); for any other
// picture static is the zero File. An animation whose frames at w×h would hold more
// than MaxAnimationPixels pixels is made a still picture, as any other.
func (p *Processor) PictureFiles(data []byte, w, h int) (picture, static File, err error) {
	defer func() {
		if r := recover(); r != nil {
			picture, static, err = File{}, File{}, fmt.Errorf("%w: %w: %v", ErrCorrupt, errPanicked, r)
		}
	}()
	f, err := p.check(data)
	if err != nil {
		return File{}, File{}, err
	}
	if f != FormatGIF {
		picture, err = p.Picture(data, w, h)
		return picture, File{}, err
	}
	frames, area, err := gifFrames(data)
	if err != nil {
		return File{}, File{}, err
	}
	if frames <= 1 || int64(frames)*int64(w)*int64(h) > int64(p.opts.MaxAnimationPixels) {
		picture, err = p.Picture(data, w, h)
		return picture, File{}, err
	}
	if err := p.checkAnimation(frames, area); err != nil {
		return File{}, File{}, err
	}
	g, err := gif.DecodeAll(bytes.NewReader(data))
	if err != nil {
		return File{}, File{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return p.scaleAnimation(g, w, h)
}

// scaleAnimation draws each frame of g on the logical screen as a viewer shows it
// (its disposal applied), cuts and scales the screen to w×h, and maps it back to the
// frame's palette: every frame of the result is whole, cleared before the next.
func (p *Processor) scaleAnimation(g *gif.GIF, w, h int) (picture, static File, err error) {
	screen := image.NewNRGBA(image.Rect(0, 0, g.Config.Width, g.Config.Height))
	out := &gif.GIF{LoopCount: g.LoopCount, Config: image.Config{Width: w, Height: h}}
	for i, frame := range g.Image {
		var before *image.NRGBA
		disposal := byte(0)
		if i < len(g.Disposal) {
			disposal = g.Disposal[i]
		}
		if disposal == gif.DisposalPrevious {
			before = imaging.Clone(screen)
		}
		draw.Draw(screen, frame.Bounds(), frame, frame.Bounds().Min, draw.Over)
		scaled := imaging.Fill(screen, w, h, imaging.Center, imaging.Lanczos)
		if i == 0 {
			if static, err = p.encode(scaled, FormatPNG); err != nil {
				return File{}, File{}, err
			}
		}
		pal := frame.Palette
		if frame.Bounds() != screen.Bounds() { // a frame of part of the screen: its colours and the first's
			pal = mergePalette(frame.Palette, g.Image[0].Palette)
		}
		pm := image.NewPaletted(scaled.Bounds(), pal)
		draw.Draw(pm, pm.Bounds(), scaled, image.Point{}, draw.Src)
		out.Image = append(out.Image, pm)
		out.Delay = append(out.Delay, g.Delay[i])
		out.Disposal = append(out.Disposal, gif.DisposalBackground)
		switch disposal {
		case gif.DisposalBackground:
			draw.Draw(screen, frame.Bounds(), image.Transparent, image.Point{}, draw.Src)
		case gif.DisposalPrevious:
			screen = before
		}
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, out); err != nil {
		return File{}, File{}, fmt.Errorf("mediaproc: encode GIF: %w", err)
	}
	return File{Data: buf.Bytes(), ContentType: FormatGIF.ContentType(), Extension: FormatGIF.Extension(),
		Width: w, Height: h}, static, nil
}

// mergePalette is the colours of a then those of b not in a, at most 256.
func mergePalette(a, b color.Palette) color.Palette {
	out := make(color.Palette, 0, 256)
	seen := map[color.RGBA64]bool{}
	for _, pal := range []color.Palette{a, b} {
		for _, c := range pal {
			r, g, bl, al := c.RGBA()
			k := color.RGBA64{R: uint16(r), G: uint16(g), B: uint16(bl), A: uint16(al)}
			if !seen[k] && len(out) < 256 {
				seen[k] = true
				out = append(out, c)
			}
		}
	}
	return out
}
