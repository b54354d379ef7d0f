package mediaproc

import (
	"bytes"
	"encoding/binary"
	"image"

	"github.com/disintegration/imaging"
)

// orientation is the value of EXIF's Orientation tag (0x0112): how the stored pixels
// are turned to be seen upright. 1 is upright; 2 to 8 flip or rotate; 0 means none
// was found and counts as 1.
type orientation int

const orientationTag = 0x0112

// readOrientation finds the EXIF orientation of an image where each format keeps it:
// a JPEG's APP1 Exif segment, a PNG's eXIf chunk, a WebP's EXIF chunk, or a TIFF's
// first directory. It reads nothing but the bounds-checked bytes it walks; anything
// malformed reads as upright.
func readOrientation(f Format, data []byte) orientation {
	var tiff []byte
	switch f {
	case FormatJPEG:
		tiff = jpegExif(data)
	case FormatPNG:
		tiff = pngExif(data)
	case FormatWebP:
		tiff = webpExif(data)
	case FormatTIFF:
		tiff = data
	}
	return tiffOrientation(tiff)
}

// jpegExif returns the TIFF structure inside a JPEG's first APP1 Exif segment.
func jpegExif(data []byte) []byte {
	i := 2 // after SOI
	for i+4 <= len(data) {
		if data[i] != 0xff {
			return nil
		}
		marker := data[i+1]
		switch {
		case marker == 0xff: // fill byte
			i++
			continue
		case marker == 0x01 || marker >= 0xd0 && marker <= 0xd8: // no length
			i += 2
			continue
		case marker == 0xda || marker == 0xd9: // start of scan, end of image
			return nil
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return nil
		}
		seg := data[i+4 : i+2+n]
		if marker == 0xe1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return seg[6:]
		}
		i += 2 + n
	}
	return nil
}

// pngExif returns the content of a PNG's eXIf chunk.
func pngExif(data []byte) []byte {
	for i := 8; i+8 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[i:]))
		if n < 0 || n > len(data)-i-12 {
			return nil
		}
		switch string(data[i+4 : i+8]) {
		case "eXIf":
			return data[i+8 : i+8+n]
		case "IEND":
			return nil
		}
		i += 12 + n
	}
	return nil
}

// webpExif returns the content of a WebP's EXIF chunk, without the "Exif\0\0" prefix
// that some writers put before the TIFF header.
func webpExif(data []byte) []byte {
	for i := 12; i+8 <= len(data); {
		n := int(binary.LittleEndian.Uint32(data[i+4:]))
		if n < 0 || n > len(data)-i-8 {
			return nil
		}
		if string(data[i:i+4]) == "EXIF" {
			return bytes.TrimPrefix(data[i+8:i+8+n], []byte("Exif\x00\x00"))
		}
		i += 8 + n + n%2
	}
	return nil
}

// tiffOrientation reads the Orientation tag of a TIFF structure's first directory.
func tiffOrientation(t []byte) orientation {
	if len(t) < 8 {
		return 0
	}
	var order binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		order = binary.LittleEndian
	case "MM\x00*":
		order = binary.BigEndian
	default:
		return 0
	}
	ifd := int64(order.Uint32(t[4:]))
	if ifd+2 > int64(len(t)) {
		return 0
	}
	count := int64(order.Uint16(t[ifd:]))
	for e := ifd + 2; e+12 <= int64(len(t)) && count > 0; e, count = e+12, count-1 {
		// An entry: tag, type (3 is SHORT), count, then the value itself.
		if order.Uint16(t[e:]) != orientationTag || order.Uint16(t[e+2:]) != 3 {
			continue
		}
		if o := orientation(order.Uint16(t[e+8:])); o >= 1 && o <= 8 {
			return o
		}
		return 0
	}
	return 0
}

// swapsAxes reports whether turning the image upright exchanges width and height.
func (o orientation) swapsAxes() bool { return o >= 5 && o <= 8 }

// apply turns img upright.
func (o orientation) apply(img image.Image) image.Image {
	switch o {
	case 2:
		return imaging.FlipH(img)
	case 3:
		return imaging.Rotate180(img)
	case 4:
		return imaging.FlipV(img)
	case 5:
		return imaging.Transpose(img)
	case 6:
		return imaging.Rotate270(img) // 90° clockwise
	case 7:
		return imaging.Transverse(img)
	case 8:
		return imaging.Rotate90(img) // 90° counter-clockwise
	}
	return img
}
