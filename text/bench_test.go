package text

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// benchStatus is a typical status: 300 characters with a link, two mentions
// and two hashtags.
var benchStatus = "@alice @bob@remote.example Finally wrote up how we moved the timeline " +
	"service onto the new storage engine, with numbers for fan-out and tail latency " +
	"under load. Short version: it is faster and simpler.\n\nRead it here: " +
	"https://blog.example.com/2026/08/timelines-on-the-new-engine #Fediverse #DevLog"

func BenchmarkRender(b *testing.B) {
	if n := utf8.RuneCountInString(benchStatus); n < 280 || n > 320 {
		b.Fatalf("bench status has %d characters", n)
	}
	b.ReportAllocs()
	for b.Loop() {
		Render(benchStatus, testResolver, testOpts)
	}
}

func BenchmarkRenderPlain(b *testing.B) {
	s := strings.Repeat("Just some words without any entities at all. ", 7)
	b.ReportAllocs()
	for b.Loop() {
		Render(s, testResolver, testOpts)
	}
}

func BenchmarkLength(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Length(benchStatus)
	}
}

func BenchmarkSanitizeRemote(b *testing.B) {
	h := Render(benchStatus, testResolver, testOpts).HTML
	b.ReportAllocs()
	for b.Loop() {
		SanitizeRemote(h)
	}
}

func BenchmarkPlainText(b *testing.B) {
	h := Render(benchStatus, testResolver, testOpts).HTML
	b.ReportAllocs()
	for b.Loop() {
		PlainText(h)
	}
}
