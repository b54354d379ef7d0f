package mediaproc

import (
	"bytes"
	"errors"
)

// Format is the type of an upload, as its content shows it (never as the client
// claims it).
type Format string

// The formats Sniff recognises. HEIF (HEIC and AVIF) is recognised only to be refused
// with ErrHEIF.
const (
	FormatJPEG Format = "jpeg"
	FormatPNG  Format = "png"
	FormatGIF  Format = "gif"
	FormatWebP Format = "webp"
	FormatBMP  Format = "bmp"
	FormatTIFF Format = "tiff"
	FormatHEIF Format = "heif"
)

var (
	// ErrUnsupported: the content is not an image of a format this package reads.
	ErrUnsupported = errors.New("mediaproc: unsupported file type")
	// ErrAnimatedWebP: an animated WebP is refused: the WebP decoder reads still images
	// only.
	ErrAnimatedWebP = errors.New("mediaproc: animated WebP images are not supported")
	// ErrHEIF: HEIC and AVIF images are refused: no well-kept pure-Go decoder exists
	// (the pure-Go ones run libheif or dav1d compiled to WebAssembly).
	ErrHEIF = errors.New("mediaproc: HEIC and AVIF images are not supported")
)

// Sniff tells the format of data from its first bytes: JPEG, PNG, GIF, WebP, BMP, TIFF,
// or HEIF (which Process refuses). Anything else is ErrUnsupported.
func Sniff(data []byte) (Format, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return FormatJPEG, nil
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return FormatPNG, nil
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return FormatGIF, nil
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return FormatWebP, nil
	case len(data) >= 14 && string(data[:2]) == "BM":
		return FormatBMP, nil
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return FormatTIFF, nil
	case isHEIF(data):
		return FormatHEIF, nil
	}
	return "", ErrUnsupported
}

// isHEIF reports an ISO base media file whose major brand is one of HEIF's (HEIC,
// AVIF and their sequences).
func isHEIF(data []byte) bool {
	if len(data) < 12 || string(data[4:8]) != "ftyp" {
		return false
	}
	switch string(data[8:12]) {
	case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif", "avis":
		return true
	}
	return false
}

// isAnimatedWebP reports a WebP whose extended header (VP8X) sets the animation flag.
func isAnimatedWebP(data []byte) bool {
	return len(data) >= 21 && string(data[12:16]) == "VP8X" && data[20]&0x02 != 0
}
