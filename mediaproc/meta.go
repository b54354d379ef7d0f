package mediaproc

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Meta is a MediaAttachment's meta for an image, in Mastodon's JSON shape.
type Meta struct {
	Original Dimensions `json:"original"`
	Small    Dimensions `json:"small"`
	Focus    *Focus     `json:"focus,omitempty"`
}

// Dimensions describe one of the stored files: {"width": 640, "height": 480, "size":
// "640x480", "aspect": 1.3333333333333333}.
type Dimensions struct {
	Width  int     `json:"width"`
	Height int     `json:"height"`
	Size   string  `json:"size"`
	Aspect float64 `json:"aspect"`
}

func dimensions(f File) Dimensions {
	return Dimensions{Width: f.Width, Height: f.Height, Size: fmt.Sprintf("%dx%d", f.Width, f.Height),
		Aspect: float64(f.Width) / float64(f.Height)}
}

// Focus is the focal point of an image, each coordinate within -1 and 1: x from the
// left edge to the right, y from the bottom edge to the top; 0,0 is the centre.
type Focus struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// ErrInvalidFocus: a focus that is not two numbers within -1 and 1. Mastodon ignores
// such a focus silently; the caller decides whether to do the same.
var ErrInvalidFocus = errors.New("mediaproc: focus must be two numbers \"x,y\" within -1 and 1")

// ParseFocus reads the focus parameter as Mastodon does (MediaAttachment#focus=): the
// string is split at commas, the parts that are not numbers (surrounding spaces
// allowed; NaN and infinities are not numbers) are dropped, and the first two that
// remain are x and y, each within -1 and 1. Unlike Ruby's Float(), it reads no
// hexadecimal integers and no underscores between digits.
func ParseFocus(s string) (Focus, error) {
	var xy []float64
	for _, part := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		if xy = append(xy, v); len(xy) == 2 {
			break
		}
	}
	if len(xy) < 2 {
		return Focus{}, fmt.Errorf("%w: %q", ErrInvalidFocus, s)
	}
	f := Focus{X: xy[0], Y: xy[1]}
	return f, f.Validate()
}

// Validate reports a coordinate outside -1 and 1 (or not a number).
func (f Focus) Validate() error {
	if !(f.X >= -1 && f.X <= 1 && f.Y >= -1 && f.Y <= 1) {
		return fmt.Errorf("%w: %s", ErrInvalidFocus, f)
	}
	return nil
}

// String is the focus as the parameter "x,y", numbers in their shortest form.
func (f Focus) String() string {
	return strconv.FormatFloat(f.X, 'f', -1, 64) + "," + strconv.FormatFloat(f.Y, 'f', -1, 64)
}

// ContentType is the format's media type.
func (f Format) ContentType() string {
	if f == FormatHEIF {
		return "image/heif"
	}
	return "image/" + string(f)
}

// Extension is the file extension of the format, with its dot, as Mastodon names
// stored files (".jpeg", not ".jpg").
func (f Format) Extension() string {
	if f == FormatHEIF {
		return ".heic"
	}
	return "." + string(f)
}
