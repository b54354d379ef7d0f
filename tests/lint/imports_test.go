package lint

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/herd-social/herd/"

// pkg is what go list says of one package, with the module prefix cut from paths.
type pkg struct {
	ImportPath, Doc string
	Imports         []string
}

// packages lists every package of the module with its non-test imports of the module.
func packages(t *testing.T) []pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-json", "../../...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		p.ImportPath = strings.TrimPrefix(p.ImportPath, module)
		var own []string
		for _, imp := range p.Imports {
			if rest, ok := strings.CutPrefix(imp, module); ok {
				own = append(own, rest)
			}
		}
		p.Imports = own
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 20 {
		t.Fatalf("go list found %d packages; is the test run from tests/lint?", len(pkgs))
	}
	return pkgs
}

// A rule says which module packages the packages it covers may import.
type rule struct {
	name string
	// covers reports whether the rule applies to a package.
	covers func(p string) bool
	// allowed reports whether a covered package may import imp.
	allowed func(p, imp string) bool
}

var (
	engines = []string{"store/pebble", "store/scylla", "bus/local", "bus/kafka", "blob/fs", "blob/s3", "search/bleve",
		"search/elastic"}
	// doors are the packages that face the network: only node builds them.
	doors = []string{"api", "activitypub"}
	// leaves import nothing of the module but invariants: contracts and pure helpers.
	leaves = []string{"store", "bus", "blob", "shard", "text", "activitypub/httpsig", "activitypub/ldsig", "bench", "testrig/openapi",
		"pebblelog", "invariants", "mediaproc", "search", "web", "statefile", "logctx"}
	// actions sit below the doors and above the domain: one use case per verb, which
	// both doors call.
	actions = []string{"action"}
	// domain packages sit between the actions and the contracts.
	domain = []string{"account", "auth", "status", "visibility", "timeline", "notification", "fanout",
		"moderation", "delivery", "deadletter", "paging", "due", "stream", "recordcache", "poll", "media", "list", "emoji", "card", "trends",
		"conversation", "hashtag", "filter", "rules", "role", "schedule", "relay", "announcement", "annualreport", "search/indexer", "push", "webhook", "mail", "asyncrefresh", "collection", "settings", "translate"}
)

func in(list []string) func(string) bool {
	return func(p string) bool { return slices.Contains(list, p) }
}

func under(prefixes ...string) func(string) bool {
	return func(p string) bool {
		for _, pre := range prefixes {
			if p == pre || strings.HasPrefix(p, pre+"/") {
				return true
			}
		}
		return false
	}
}

var rules = []rule{
	{"only node imports engines", func(string) bool { return true },
		func(p, imp string) bool { return !slices.Contains(engines, imp) || p == "node" }},
	{"engines import only their contract (and the embedded ones pebblelog)", in(engines),
		func(p, imp string) bool { return imp == strings.Split(p, "/")[0] || imp == "pebblelog" }},
	{"contracts and pure helpers import nothing of the module but invariants (bench speaks HTTP only)", in(leaves),
		func(p, imp string) bool { return imp == "invariants" && p != "invariants" }},
	{"search/searchbench measures engines through their contract only", in([]string{"search/searchbench"}),
		func(_, imp string) bool { return imp == "search" }},
	{"transfer copies through the contracts only", in([]string{"transfer"}),
		func(_, imp string) bool { return imp == "store" || imp == "blob" || imp == "statefile" }},
	{"stream and recordcache know ids only", in([]string{"stream", "recordcache"}), func(_, imp string) bool { return imp == "shard" }},
	{"only node imports the doors", func(string) bool { return true },
		func(p, imp string) bool { return !slices.Contains(doors, imp) || p == "node" }},
	{"domain packages import no action, door, node or cmd", in(domain),
		func(_, imp string) bool {
			return !slices.Contains(actions, imp) && !slices.Contains(doors, imp) && !under("node", "cmd")(imp)
		}},
	{"actions import no door, node or cmd", in(actions),
		func(_, imp string) bool { return !slices.Contains(doors, imp) && !under("node", "cmd")(imp) }},
	{"doors reach consequences through actions: no door imports fanout", in(doors),
		func(_, imp string) bool { return imp != "fanout" }},
	{"nothing imports cmd, tests or ops", func(string) bool { return true },
		func(_, imp string) bool { return !under("cmd", "tests", "ops")(imp) }},
	{"only tests import testrig and the conformance suites", func(p string) bool { return !under("testrig")(p) },
		func(_, imp string) bool {
			return !under("testrig", "store/storetest", "bus/bustest", "blob/blobtest", "search/searchtest", "mail/mailtest")(imp)
		}},
}

// TestImportRules applies every rule to every package's non-test imports.
func TestImportRules(t *testing.T) {
	for _, p := range packages(t) {
		for _, r := range rules {
			if !r.covers(p.ImportPath) {
				continue
			}
			for _, imp := range p.Imports {
				if !r.allowed(p.ImportPath, imp) {
					t.Errorf("%s imports %s: %s", p.ImportPath, imp, r.name)
				}
			}
		}
	}
}

// TestEveryPackageIsDocumented: every package says what it owns and what it must not
// do, in a package doc comment.
func TestEveryPackageIsDocumented(t *testing.T) {
	for _, p := range packages(t) {
		if strings.TrimSpace(p.Doc) == "" {
			t.Errorf("%s has no package doc comment", p.ImportPath)
		}
	}
}

// TestRulesCoverEveryPackage: a new package is placed in the plan (a door, an action,
// the domain, a leaf, an engine) or is one of the few with a place of their own, so that the rules
// above say something about it.
func TestRulesCoverEveryPackage(t *testing.T) {
	own := []string{"node", "testrig", "store/storetest", "bus/bustest", "blob/blobtest", "search/searchtest", "search/searchbench", "mail/mailtest", "transfer"}
	for _, p := range packages(t) {
		known := slices.Contains(engines, p.ImportPath) || slices.Contains(doors, p.ImportPath) ||
			slices.Contains(leaves, p.ImportPath) || slices.Contains(domain, p.ImportPath) || slices.Contains(actions, p.ImportPath) ||
			slices.Contains(own, p.ImportPath) || under("cmd", "tests", "ops")(p.ImportPath)
		if !known {
			t.Errorf("%s has no place in the import rules of tests/lint: add it to one of their lists", p.ImportPath)
		}
	}
}
