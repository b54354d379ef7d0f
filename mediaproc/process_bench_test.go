package mediaproc

import (
	"fmt"
	"syscall"
	"testing"
	"time"
)

// BenchmarkProcessPhoto processes camera-sized JPEG photos, reporting images/s (of the
// whole benchmark, one image at a time; imaging spreads its work over the cores) and
// the CPU time per image, which a busy machine disturbs less than the wall clock:
// 3000x2000 (about 2 MB) is kept at its size; 4000x3000 (about 4 MB) is scaled down
// to 3840x2160's area first, as Mastodon does.
func BenchmarkProcessPhoto(b *testing.B) {
	for _, size := range []struct{ w, h int }{{3000, 2000}, {4000, 3000}} {
		data := photo(b, size.w, size.h, 85)
		b.Run(fmt.Sprintf("%dx%d_%dKB", size.w, size.h, len(data)>>10), func(b *testing.B) {
			p := newProcessor(b, Options{})
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var before, after syscall.Rusage
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &before)
			for b.Loop() {
				if _, err := p.Process(data, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
			if syscall.Getrusage(syscall.RUSAGE_SELF, &after) == nil {
				cpu := time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
				b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/image")
			}
		})
	}
}
