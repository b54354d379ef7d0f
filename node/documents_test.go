package node

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocumentsRefused: a file that cannot be read, a terms version not named by a
// day, or two versions of one day stop the start, naming the key and the file.
func TestDocumentsRefused(t *testing.T) {
	terms := func(names ...string) string {
		dir := t.TempDir()
		for _, n := range names {
			if err := os.WriteFile(filepath.Join(dir, n), []byte("terms"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{About: filepath.Join(t.TempDir(), "missing.md")}, "about: "},
		{Config{PrivacyPolicy: t.TempDir()}, "privacy_policy: "},
		{Config{TermsOfService: terms("current.md")}, "current.md is not named by a day"},
		{Config{TermsOfService: terms("2026-01-01.md", "2026-01-01.html")}, "two versions take effect on 2026-01-01"},
	} {
		if _, err := documents(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("documents(%+v) = %v, want an error with %q", tc.cfg, err, tc.want)
		}
	}
	d, err := documents(Config{TermsOfService: terms("2026-02-01.html", "2026-01-01.md", ".hidden")})
	if err != nil || len(d.Terms) != 2 || d.Terms[0].Effective.Day() != 1 || d.Terms[0].Effective.Month() != 1 {
		t.Errorf("two versions: %+v, %v", d.Terms, err)
	}
}
