package mediaproc

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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

// BenchmarkProcessHEIC processes a phone-sized HEIC (4000x3000, the photo of
// BenchmarkProcessPhoto coded by heif-enc at quality 85), decoded by heif-convert and
// scaled to 3840x2160's area: images/s, and the CPU time per image of the test and
// the heif-convert it runs together.
func BenchmarkProcessHEIC(b *testing.B) {
	enc, err := exec.LookPath("heif-enc")
	if err != nil || !newProcessor(b, Options{}).HEIF() {
		b.Skip("no heif-enc or heif-convert (apt-get install libheif-examples)")
	}
	dir := b.TempDir()
	in, out := filepath.Join(dir, "photo.jpeg"), filepath.Join(dir, "photo.heic")
	if err := os.WriteFile(in, photo(b, 4000, 3000, 85), 0o600); err != nil {
		b.Fatal(err)
	}
	if msg, err := exec.Command(enc, "-q", "85", in, "-o", out).CombinedOutput(); err != nil {
		b.Fatalf("heif-enc: %v: %s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		b.Fatal(err)
	}
	b.Run(fmt.Sprintf("4000x3000_%dKB", len(data)>>10), func(b *testing.B) {
		// A throughput, not the timeout, is measured: a loaded machine may take longer.
		p := newProcessor(b, Options{FFmpegTimeout: 10 * time.Minute})
		b.SetBytes(int64(len(data)))
		cpu := func() time.Duration {
			var self, children syscall.Rusage
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
			_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
			return time.Duration(self.Utime.Nano() + self.Stime.Nano() + children.Utime.Nano() + children.Stime.Nano())
		}
		before := cpu()
		for b.Loop() {
			if _, err := p.Process(data, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
		b.ReportMetric(float64((cpu()-before).Milliseconds())/float64(b.N), "cpu-ms/image")
	})
}
