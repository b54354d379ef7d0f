package mediaproc

import "testing"

func TestJPEGScans(t *testing.T) {
	for _, tt := range []struct {
		file string
		want int
	}{{"gps.jpg", 1}, {"orient-6.jpg", 1}, {"progressive.jpg", 100}, {"bomb-scans.jpg", 2100}, {"truncated.jpg", 1}} {
		if got := jpegScans(testdata(t, tt.file)); got != tt.want {
			t.Errorf("%s: %d scans, want %d", tt.file, got, tt.want)
		}
	}
}
