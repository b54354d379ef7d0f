package mediaproc

import (
	"errors"
	"testing"
)

// TestParseFocus: the focus parameter as Mastodon reads it.
func TestParseFocus(t *testing.T) {
	tests := []struct {
		in   string
		want Focus
		ok   bool
		norm string
	}{
		{"0.5,-0.25", Focus{0.5, -0.25}, true, "0.5,-0.25"},
		{" 0.5 , -0.25 ", Focus{0.5, -0.25}, true, "0.5,-0.25"},
		{"-1,1", Focus{-1, 1}, true, "-1,1"},
		{"0,0", Focus{}, true, "0,0"},
		{"1e-1,.5", Focus{0.1, 0.5}, true, "0.1,0.5"},
		{"0.10,0.500", Focus{0.1, 0.5}, true, "0.1,0.5"},
		{"a,0.1,0.2", Focus{0.1, 0.2}, true, "0.1,0.2"},   // what is not a number is dropped
		{"0.1,0.2,0.3", Focus{0.1, 0.2}, true, "0.1,0.2"}, // the first two count
		{"1.5,0", Focus{}, false, ""},
		{"0,-1.01", Focus{}, false, ""},
		{"0.5", Focus{}, false, ""},
		{"", Focus{}, false, ""},
		{",", Focus{}, false, ""},
		{"NaN,0", Focus{}, false, ""},
		{"Inf,0", Focus{}, false, ""},
		{"0.5;0.5", Focus{}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFocus(tt.in)
			if !tt.ok {
				if !errors.Is(err, ErrInvalidFocus) {
					t.Fatalf("got %v, %v; want ErrInvalidFocus", got, err)
				}
				return
			}
			if err != nil || got != tt.want || got.String() != tt.norm {
				t.Errorf("got %v (%q), %v; want %v (%q)", got, got.String(), err, tt.want, tt.norm)
			}
		})
	}
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		ok   bool
	}{
		{"defaults", Options{}, true},
		{"all set", Options{MaxBytes: 1, MaxPixels: 100, OriginalPixels: 100, SmallPixels: 10, MaxAnimationPixels: 1, JPEGQuality: 100}, true},
		{"negative bytes", Options{MaxBytes: -1}, false},
		{"original above max", Options{MaxPixels: 100, OriginalPixels: 101}, false},
		{"small above original", Options{OriginalPixels: 100, SmallPixels: 101}, false},
		{"quality above 100", Options{JPEGQuality: 101}, false},
		{"negative animation", Options{MaxAnimationPixels: -1}, false},
		{"negative scans", Options{MaxJPEGScans: -1}, false},
		{"negative frames", Options{MaxFrames: -1}, false},
		{"negative ffmpeg timeout", Options{FFmpegTimeout: -1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			if tt.ok != (err == nil) || err != nil && !errors.Is(err, ErrOptions) {
				t.Errorf("Validate: %v, want ok %v", err, tt.ok)
			}
			if _, err := New(tt.opts); tt.ok != (err == nil) {
				t.Errorf("New: %v, want ok %v", err, tt.ok)
			}
		})
	}
}

func TestDefaultsAreMastodons(t *testing.T) {
	o := Options{}.withDefaults()
	if o.MaxBytes != 16<<20 || o.MaxPixels != 7680*4320 || o.OriginalPixels != 3840*2160 ||
		o.SmallPixels != 640*360 || o.JPEGQuality != 90 {
		t.Errorf("defaults %+v", o)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		data string
		want Format
	}{
		{"\xff\xd8\xff\xe0", FormatJPEG},
		{"\x89PNG\r\n\x1a\n", FormatPNG},
		{"GIF87a", FormatGIF},
		{"GIF89a", FormatGIF},
		{"RIFF\x00\x00\x00\x00WEBPVP8 ", FormatWebP},
		{"BM\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", FormatBMP},
		{"II*\x00", FormatTIFF},
		{"MM\x00*", FormatTIFF},
		{string(heif), FormatHEIF},
		{"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00", FormatAVIF},
		{"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00miafavif", FormatAVIF},
		{"\x00\x00\x00\x14ftypmif1\x00\x00\x00\x00miaf....avif", FormatHEIF}, // avif past the box
	}
	for _, tt := range tests {
		if got, err := Sniff([]byte(tt.data)); got != tt.want || err != nil {
			t.Errorf("Sniff(%q) = %q, %v; want %q", tt.data, got, err, tt.want)
		}
	}
	for _, s := range []string{"", "GIF8", "RIFF\x00\x00\x00\x00WAVE", "\x00\x00\x00\x18ftypisom", "%PDF-1.7", "<svg"} {
		if _, err := Sniff([]byte(s)); !errors.Is(err, ErrUnsupported) {
			t.Errorf("Sniff(%q): %v, want ErrUnsupported", s, err)
		}
	}
}
