package api_test

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// clientRow is a row of the Client API table of docs/compatibility.md:
// | GET | `/api/v1/...` | done | notes |
var clientRow = regexp.MustCompile("^\\| (GET|POST|PUT|PATCH|DELETE) \\| `([^`]+)` \\| (done|partial|missing) \\|")

// TestCompatibilityTable: the Client API table of docs/compatibility.md, the users'
// answer to "will my client work?", says what the router serves: an operation marked
// done or partial is routed, one marked missing is not, and the summary line counts
// the rows.
func TestCompatibilityTable(t *testing.T) {
	doc, err := os.ReadFile("../docs/compatibility.md")
	if err != nil {
		t.Fatal(err)
	}
	section, _, _ := strings.Cut(string(doc), "\n## Admin API")
	_, section, _ = strings.Cut(section, "\n## Client API")
	c := testrig.New(t)
	routes := routeSet(c)
	count := map[string]int{}
	rows := 0
	for _, line := range strings.Split(section, "\n") {
		m := clientRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		rows++
		method, path, state := m[1], routeParam.ReplaceAllString(m[2], "{}"), m[3]
		count[state]++
		served := routes[method+" "+path]
		switch {
		case state == "missing" && served:
			t.Errorf("%s %s is served but listed as missing", m[1], m[2])
		case state != "missing" && !served:
			t.Errorf("%s %s is listed as %s but not served", m[1], m[2], state)
		}
	}
	if rows < 200 {
		t.Fatalf("read %d rows of the Client API table; has its format changed?", rows)
	}
	want := fmt.Sprintf("Client API: %d done, %d partial, %d missing, of %d.",
		count["done"], count["partial"], count["missing"], rows)
	if !strings.Contains(string(doc), want) {
		t.Errorf("the summary line should read %q", want)
	}
}
