package mediaproc

import (
	"fmt"
	"testing"
)

// BenchmarkProcessPhoto processes camera-sized JPEG photos, reporting images/s (of the
// whole benchmark, which uses every core: imaging scales in parallel): 3000x2000 (about
// 2.5 MB) is kept at its size; 4000x3000 (about 4 MB) is scaled down to 3840x2160's
// area first, as Mastodon does.
func BenchmarkProcessPhoto(b *testing.B) {
	for _, size := range []struct{ w, h int }{{3000, 2000}, {4000, 3000}} {
		data := photo(b, size.w, size.h, 85)
		b.Run(fmt.Sprintf("%dx%d_%dKB", size.w, size.h, len(data)>>10), func(b *testing.B) {
			p := newProcessor(b, Options{})
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.Process(data, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
		})
	}
}
