package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// compatible are the licences that may be combined with AGPL-3.0 in one binary.
var compatible = map[string]bool{"MIT": true, "BSD-2-Clause": true, "BSD-3-Clause": true, "Apache-2.0": true,
	"ISC": true, "MPL-2.0": true, "Zlib": true, "CC0-1.0": true, "Unlicense": true, "BSD-3-Clause-Clear": true,
	"AGPL-3.0": true, "GPL-3.0": true, "LGPL-3.0": true, "0BSD": true, "Python-2.0": true}

// TestLicenses: docs/licenses.md is current, and every dependency's licence is known
// and compatible.
func TestLicenses(t *testing.T) {
	if err := os.Chdir("../.."); err != nil {
		t.Fatal(err)
	}
	mods, err := modules("./cmd/herd")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mods {
		for _, id := range strings.Split(m.License, " AND ") {
			if !compatible[id] {
				t.Errorf("%s %s: licence %q is not known to be compatible with AGPL-3.0", m.Path, m.Version, m.License)
			}
		}
	}
	var page bytes.Buffer
	write(&page, mods)
	got, err := os.ReadFile("docs/licenses.md")
	if err != nil || !bytes.Equal(got, page.Bytes()) {
		t.Errorf("docs/licenses.md is stale: run go run ./ops/licenses > docs/licenses.md (%v)", err)
	}
}
