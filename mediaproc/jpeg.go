package mediaproc

import (
	"bytes"
	"encoding/binary"
)

// jpegScans counts the scans of a JPEG (its SOS markers). It skips each segment by its
// length, and in the entropy-coded data after a scan's header it takes 0xFF as a
// marker unless a stuffed 0x00, a fill 0xFF or a restart marker follows it.
func jpegScans(data []byte) int {
	n := 0
	for i := 2; i+1 < len(data); {
		if data[i] != 0xff {
			next := bytes.IndexByte(data[i:], 0xff)
			if next < 0 {
				break
			}
			i += next
			continue
		}
		switch m := data[i+1]; {
		case m == 0xff:
			i++
		case m == 0x00, m == 0x01, m >= 0xd0 && m <= 0xd8:
			i += 2
		case m == 0xd9:
			return n
		default:
			if i+4 > len(data) {
				return n
			}
			if m == 0xda {
				n++
			}
			i += 2 + max(2, int(binary.BigEndian.Uint16(data[i+2:])))
		}
	}
	return n
}
