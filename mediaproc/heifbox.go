package mediaproc

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// heifLayout is what readHEIF reads of a HEIF file's boxes (ISO/IEC 23008-12) before
// any decoder runs: the size of the primary image, the pixels of every image item
// together (the tiles of a grid, thumbnails, alpha and depth pictures), and which of
// the top-level images is the primary one, in the order heif-convert writes them.
type heifLayout struct {
	Width, Height int   // the primary item's ispe: the picture as decoded, before irot
	Pixels        int64 // the summed ispe area of every image item
	TopLevel      int   // the top-level images, each of which heif-convert decodes
	Primary       int   // the primary's place among them, from 0
}

// errBox is wrapped by readHEIF's errors: a box that is cut short or malformed.
var errBox = errors.New("malformed HEIF box")

// heifImageTypes are the item types libheif decodes as images.
var heifImageTypes = map[string]bool{"hvc1": true, "av01": true, "grid": true, "iden": true, "iovl": true,
	"jpeg": true, "avc1": true, "j2k1": true, "unci": true}

// readHEIF reads the layout of a HEIF file from its meta box: the primary item (pitm),
// the items (iinf), their references (iref: dimg, thmb, auxl) and their properties
// (iprp: ipco, ipma). The file's boxes must add up to its length (a truncated file is
// refused here). It reads only bounds-checked bytes of data and allocates in
// proportion to the boxes it finds, never to a count a box claims.
func readHEIF(data []byte) (heifLayout, error) {
	var l heifLayout
	var meta []byte
	ok := false
	if err := eachBox(data, func(typ string, b []byte) error {
		if typ == "meta" && !ok {
			meta, ok = b, true
		}
		return nil
	}); err != nil {
		return l, err
	}
	if !ok || len(meta) < 4 {
		return l, fmt.Errorf("%w: no meta box", errBox)
	}
	var m heifMeta
	if err := m.read(meta[4:]); err != nil {
		return l, err
	}
	return m.layout()
}

// heifMeta is the content of a meta box that readHEIF uses.
type heifMeta struct {
	primary  uint32
	items    []uint32 // image items, in iinf's order
	hidden   map[uint32]bool
	ispe     map[uint32][2]uint32 // by item, its ispe
	sawPitm  bool
	property [][2]uint32 // ipco's properties, in order: ispe's sizes, or zeros
	assoc    map[uint32][]int
}

func (m *heifMeta) read(body []byte) error {
	m.hidden, m.assoc = map[uint32]bool{}, map[uint32][]int{}
	return eachBox(body, func(typ string, b []byte) error {
		switch typ {
		case "pitm":
			r := boxReader{b: b}
			if v := r.fullBox(); v == 0 {
				m.primary = uint32(r.u16())
			} else {
				m.primary = r.u32()
			}
			m.sawPitm = true
			return r.err
		case "iinf":
			return m.readIinf(b)
		case "iref":
			return m.readIref(b)
		case "iprp":
			return eachBox(b, func(typ string, b []byte) error {
				switch typ {
				case "ipco":
					return m.readIpco(b)
				case "ipma":
					return m.readIpma(b)
				}
				return nil
			})
		}
		return nil
	})
}

func (m *heifMeta) readIinf(b []byte) error {
	r := boxReader{b: b}
	if r.fullBox() == 0 {
		r.u16()
	} else {
		r.u32()
	}
	if r.err != nil {
		return r.err
	}
	return eachBox(r.rest(), func(typ string, b []byte) error {
		if typ != "infe" {
			return nil
		}
		r := boxReader{b: b}
		v := r.fullBox()
		if v < 2 {
			return nil // no item type: not an image item of HEIF
		}
		var id uint32
		if v == 2 {
			id = uint32(r.u16())
		} else {
			id = r.u32()
		}
		r.u16() // protection index
		typ = r.fourCC()
		if r.err == nil && heifImageTypes[typ] {
			m.items = append(m.items, id)
		}
		return r.err
	})
}

// readIref marks the items no top-level image is: the tiles of a derived image (the
// targets of dimg), thumbnails (thmb) and auxiliary pictures (auxl), which point at
// their master.
func (m *heifMeta) readIref(b []byte) error {
	r := boxReader{b: b}
	v := r.fullBox()
	if r.err != nil {
		return r.err
	}
	return eachBox(r.rest(), func(typ string, b []byte) error {
		r := boxReader{b: b}
		id := func() uint32 {
			if v == 0 {
				return uint32(r.u16())
			}
			return r.u32()
		}
		from := id()
		n := int(r.u16())
		if typ == "thmb" || typ == "auxl" {
			m.hidden[from] = true
		}
		for i := 0; i < n && r.err == nil; i++ {
			if to := id(); typ == "dimg" && r.err == nil {
				m.hidden[to] = true
			}
		}
		return r.err
	})
}

func (m *heifMeta) readIpco(b []byte) error {
	return eachBox(b, func(typ string, b []byte) error {
		var size [2]uint32
		if typ == "ispe" {
			r := boxReader{b: b}
			r.fullBox()
			size = [2]uint32{r.u32(), r.u32()}
			if r.err != nil {
				return r.err
			}
		}
		m.property = append(m.property, size)
		return nil
	})
}

func (m *heifMeta) readIpma(b []byte) error {
	r := boxReader{b: b}
	v := r.fullBox()
	wide := r.flags&1 != 0
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil; i++ {
		var id uint32
		if v < 1 {
			id = uint32(r.u16())
		} else {
			id = r.u32()
		}
		k := int(r.u8())
		for j := 0; j < k && r.err == nil; j++ {
			var index int
			if wide {
				index = int(r.u16() & 0x7fff)
			} else {
				index = int(r.u8() & 0x7f)
			}
			if r.err == nil && len(m.assoc[id]) < 64 {
				m.assoc[id] = append(m.assoc[id], index)
			}
		}
	}
	return r.err
}

// layout puts together what the boxes said.
func (m *heifMeta) layout() (heifLayout, error) {
	l := heifLayout{Primary: -1}
	if !m.sawPitm {
		return l, fmt.Errorf("%w: no primary item", errBox)
	}
	for _, id := range m.items {
		w, h, ok := m.size(id)
		if !ok {
			return l, fmt.Errorf("%w: image item %d without its size (ispe)", errBox, id)
		}
		l.Pixels += int64(w) * int64(h)
		if id == m.primary {
			l.Width, l.Height = int(w), int(h)
		}
		if !m.hidden[id] {
			if id == m.primary {
				l.Primary = l.TopLevel
			}
			l.TopLevel++
		}
	}
	if l.Primary < 0 {
		return l, fmt.Errorf("%w: the primary item %d is no top-level image", errBox, m.primary)
	}
	return l, nil
}

// size is the item's ispe (its first, as libheif reads it).
func (m *heifMeta) size(id uint32) (uint32, uint32, bool) {
	for _, index := range m.assoc[id] {
		if index >= 1 && index <= len(m.property) {
			if s := m.property[index-1]; s != [2]uint32{} {
				return s[0], s[1], true
			}
		}
	}
	return 0, 0, false
}

// eachBox calls f with the type and body of each box of data, in order, until f fails
// or a box is cut short (errBox). A size of 0 runs to the end; of 1, a 64-bit size
// follows the type.
func eachBox(data []byte, f func(typ string, body []byte) error) error {
	for len(data) > 0 {
		if len(data) < 8 {
			return fmt.Errorf("%w: %d bytes left", errBox, len(data))
		}
		size, header := uint64(binary.BigEndian.Uint32(data)), uint64(8)
		typ := string(data[4:8])
		switch size {
		case 0:
			size = uint64(len(data))
		case 1:
			if len(data) < 16 {
				return fmt.Errorf("%w: %q cut short", errBox, typ)
			}
			size, header = binary.BigEndian.Uint64(data[8:]), 16
		}
		if size < header || size > uint64(len(data)) {
			return fmt.Errorf("%w: %q of %d bytes in %d", errBox, typ, size, len(data))
		}
		if err := f(typ, data[header:size]); err != nil {
			return err
		}
		data = data[size:]
	}
	return nil
}

// boxReader reads big-endian numbers from a box's body; past its end it reads zeros
// and keeps errBox.
type boxReader struct {
	b     []byte
	flags uint32
	err   error
}

func (r *boxReader) take(n int) []byte {
	if r.err != nil || len(r.b) < n {
		if r.err == nil {
			r.err = fmt.Errorf("%w: cut short", errBox)
		}
		return make([]byte, n)
	}
	b := r.b[:n]
	r.b = r.b[n:]
	return b
}

func (r *boxReader) u8() uint8      { return r.take(1)[0] }
func (r *boxReader) u16() uint16    { return binary.BigEndian.Uint16(r.take(2)) }
func (r *boxReader) u32() uint32    { return binary.BigEndian.Uint32(r.take(4)) }
func (r *boxReader) fourCC() string { return string(r.take(4)) }
func (r *boxReader) rest() []byte   { return r.b }

// fullBox reads a full box's version and flags, and returns the version.
func (r *boxReader) fullBox() uint8 {
	v := r.u32()
	r.flags = v & 0xffffff
	return uint8(v >> 24)
}
