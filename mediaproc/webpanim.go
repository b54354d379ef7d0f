package mediaproc

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/draw"

	"golang.org/x/image/webp"
)

// decodeWebPFirstFrame decodes the first frame of an animated WebP, as Mastodon keeps
// an animated WebP: a still of its first frame. The WebP decoder reads still images
// only, so the frame's bitstream (its ALPH and VP8 chunks, or its VP8L chunk) is put
// in a still WebP of its own, decoded, and drawn at its place on a transparent canvas
// of the animation's size (which check held to MaxPixels). The frame must lie within
// the canvas.
func decodeWebPFirstFrame(data []byte) (image.Image, error) {
	var canvasW, canvasH int
	var frame []byte
	for i := 12; i+8 <= len(data) && frame == nil; {
		id, size := string(data[i:i+4]), int(binary.LittleEndian.Uint32(data[i+4:]))
		if size < 0 || size > len(data)-i-8 {
			return nil, fmt.Errorf("%w: webp chunk %q of %d bytes", ErrCorrupt, id, size)
		}
		body := data[i+8 : i+8+size]
		switch {
		case id == "VP8X" && size >= 10:
			canvasW, canvasH = int(uint24(body[4:]))+1, int(uint24(body[7:]))+1
		case id == "ANMF":
			frame = body
		}
		i += 8 + size + size&1
	}
	if frame == nil || len(frame) < 16 || canvasW == 0 {
		return nil, fmt.Errorf("%w: an animated webp without a frame", ErrCorrupt)
	}
	x, y := 2*int(uint24(frame)), 2*int(uint24(frame[3:]))
	w, h := int(uint24(frame[6:]))+1, int(uint24(frame[9:]))+1
	if x+w > canvasW || y+h > canvasH {
		return nil, fmt.Errorf("%w: a %dx%d frame at %d,%d outside the %dx%d canvas", ErrCorrupt, w, h, x, y, canvasW, canvasH)
	}
	img, err := webp.Decode(bytes.NewReader(stillWebP(frame[16:], w, h)))
	if err != nil {
		return nil, fmt.Errorf("%w: webp frame: %v", ErrCorrupt, err)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		return nil, fmt.Errorf("%w: a frame of %dx%d decoded as %dx%d", ErrCorrupt, w, h, b.Dx(), b.Dy())
	}
	canvas := image.NewNRGBA(image.Rect(0, 0, canvasW, canvasH))
	draw.Draw(canvas, image.Rect(x, y, x+w, y+h), img, img.Bounds().Min, draw.Src)
	return canvas, nil
}

// stillWebP wraps a frame's bitstream chunks in a still WebP: behind an extended
// header that announces alpha when the frame has an ALPH chunk.
func stillWebP(chunks []byte, w, h int) []byte {
	var body bytes.Buffer
	body.WriteString("WEBP")
	if bytes.HasPrefix(chunks, []byte("ALPH")) {
		vp8x := make([]byte, 18)
		copy(vp8x, "VP8X")
		binary.LittleEndian.PutUint32(vp8x[4:], 10)
		vp8x[8] = 0x10 // alpha
		putUint24(vp8x[12:], uint32(w-1))
		putUint24(vp8x[15:], uint32(h-1))
		body.Write(vp8x)
	}
	body.Write(chunks)
	out := make([]byte, 8, 8+body.Len())
	copy(out, "RIFF")
	binary.LittleEndian.PutUint32(out[4:], uint32(body.Len()))
	return append(out, body.Bytes()...)
}

func uint24(b []byte) uint32 { return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 }

func putUint24(b []byte, v uint32) { b[0], b[1], b[2] = byte(v), byte(v>>8), byte(v>>16) }
