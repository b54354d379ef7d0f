package mediaproc

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/draw"
	"image/gif"
	"time"
)

// gifFrames walks a GIF's blocks without decoding any pixel and returns how many
// frames it holds and their summed area: what gif.DecodeAll would allocate. It stops
// at the trailer or at the end of data (a truncated file is the decoder's to refuse),
// and fails on a block that is not a GIF's.
func gifFrames(data []byte) (frames, area int, err error) {
	if len(data) < 13 {
		return 0, 0, nil
	}
	i := 13 + colorTableSize(data[10])
	for i < len(data) {
		switch data[i] {
		case 0x3b: // trailer
			return frames, area, nil
		case 0x21: // extension: label, then sub-blocks
			i = skipSubBlocks(data, i+2)
		case 0x2c: // image descriptor, local colour table, LZW code size, sub-blocks
			if i+10 > len(data) {
				return frames, area, nil
			}
			w := int(binary.LittleEndian.Uint16(data[i+5:]))
			h := int(binary.LittleEndian.Uint16(data[i+7:]))
			frames++
			area += w * h
			i = skipSubBlocks(data, i+10+colorTableSize(data[i+9])+1)
		default:
			return frames, area, fmt.Errorf("%w: GIF block 0x%02x at byte %d", ErrCorrupt, data[i], i)
		}
	}
	return frames, area, nil
}

// colorTableSize is the length of the colour table a GIF's packed field announces.
func colorTableSize(packed byte) int {
	if packed&0x80 == 0 {
		return 0
	}
	return 3 << (packed&7 + 1)
}

// skipSubBlocks returns the index after the sub-blocks that start at i (or len(data)).
func skipSubBlocks(data []byte, i int) int {
	for i < len(data) {
		n := int(data[i])
		i += 1 + n
		if n == 0 {
			return i
		}
	}
	return len(data)
}

// animation is what decodeAnimation makes of an animated GIF.
type animation struct {
	gif      []byte        // re-encoded
	first    image.Image   // the first frame drawn on the logical screen
	duration time.Duration // the frames' delays added up
}

// decodeAnimation decodes every frame of an animated GIF once gifFrames has counted
// them and their area within the limits, and re-encodes them, which drops comments and application extensions but the
// loop count: XMP, and any location it holds, among them.
func (p *Processor) decodeAnimation(data []byte, frames, area int) (animation, error) {
	if err := p.checkAnimation(frames, area); err != nil {
		return animation{}, err
	}
	g, err := gif.DecodeAll(bytes.NewReader(data))
	if err != nil {
		return animation{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	var out bytes.Buffer
	if err := gif.EncodeAll(&out, g); err != nil {
		return animation{}, fmt.Errorf("mediaproc: encode GIF: %w", err)
	}
	first := image.NewNRGBA(image.Rect(0, 0, g.Config.Width, g.Config.Height))
	draw.Draw(first, g.Image[0].Bounds(), g.Image[0], g.Image[0].Bounds().Min, draw.Src)
	var d time.Duration
	for _, delay := range g.Delay {
		d += time.Duration(delay) * 10 * time.Millisecond
	}
	return animation{gif: out.Bytes(), first: first, duration: d}, nil
}

// checkAnimation refuses an animation of more than MaxFrames frames, or whose frames
// hold more than MaxAnimationPixels pixels, before they are decoded.
func (p *Processor) checkAnimation(frames, area int) error {
	if frames > p.opts.MaxFrames {
		return fmt.Errorf("%w: the animation has %d frames, more than %d", ErrTooLarge, frames, p.opts.MaxFrames)
	}
	if area > p.opts.MaxAnimationPixels {
		return fmt.Errorf("%w: the frames of the animation have %d pixels, more than %d",
			ErrTooLarge, area, p.opts.MaxAnimationPixels)
	}
	return nil
}
