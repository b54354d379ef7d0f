package mediaproc

import (
	"bytes"
	"encoding/binary"
	"errors"
)

// Format is the type of an upload, as its content shows it (never as the client
// claims it).
type Format string

// The formats Sniff recognises. HEIF (HEIC and the other HEIF images) and AVIF are
// decoded by libheif's heif-convert (decodeHEIF); without it, AVIF is decoded by ffmpeg
// (decodeAVIF) and HEIF refused with ErrHEIF.
const (
	FormatJPEG Format = "jpeg"
	FormatPNG  Format = "png"
	FormatGIF  Format = "gif"
	FormatWebP Format = "webp"
	FormatBMP  Format = "bmp"
	FormatTIFF Format = "tiff"
	FormatAVIF Format = "avif"
	FormatHEIF Format = "heif"
)

var (
	// ErrUnsupported: the content is not an image of a format this package reads.
	ErrUnsupported = errors.New("mediaproc: unsupported file type")
	// ErrHEIF: HEIC images are refused when libheif's heif-convert is missing: no
	// well-kept pure-Go decoder exists (the pure-Go ones run libheif compiled to
	// WebAssembly), and ffmpeg reads HEIF image items from version 7 only.
	ErrHEIF = errors.New("mediaproc: HEIC images are not supported")
)

// Sniff tells the format of data from its first bytes: JPEG, PNG, GIF, WebP, BMP, TIFF,
// AVIF, or HEIF. Anything else is ErrUnsupported.
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
	case isAVIF(data):
		return FormatAVIF, nil
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

// isAVIF reports a HEIF file that is AVIF: its major brand says so, or its major brand
// is HEIF's generic one (mif1, msf1) and its compatible brands name AVIF.
func isAVIF(data []byte) bool {
	if !isHEIF(data) {
		return false
	}
	switch string(data[8:12]) {
	case "avif", "avis":
		return true
	case "mif1", "msf1":
		// The ftyp box: size, "ftyp", major brand, minor version, compatible brands.
		size := min(int(binary.BigEndian.Uint32(data)), len(data), 256)
		for i := 16; i+4 <= size; i += 4 {
			if b := string(data[i : i+4]); b == "avif" || b == "avis" {
				return true
			}
		}
	}
	return false
}

// isAnimatedWebP reports a WebP whose extended header (VP8X) sets the animation flag.
func isAnimatedWebP(data []byte) bool {
	return len(data) >= 21 && string(data[12:16]) == "VP8X" && data[20]&0x02 != 0
}
