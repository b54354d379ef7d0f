package mediaproc

import "testing"

// BenchmarkProcessPhoto processes a camera-sized photo (4000x3000, about 4 MB of JPEG):
// decoding, scaling the original down to 3840x2160's area, the small file, the
// blurhash. Its images/s is the throughput of one core's worth of uploads.
func BenchmarkProcessPhoto(b *testing.B) {
	data := photo(b, 4000, 3000, 85)
	p := newProcessor(b, Options{})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Process(data, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
}
