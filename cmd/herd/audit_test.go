package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// TestAdminCommandsAudited: the custom emoji and announcement commands are written to
// the audit log, by the operator, under the admin API's actions: a new emoji is
// created, a replaced one updated, a disabled, enabled and removed one so logged; an
// announcement created, updated and destroyed. The emoji keeps its category when
// replaced without one.
func TestAdminCommandsAudited(t *testing.T) {
	c := testrig.New(t, testrig.Config(func(c *node.Config) { c.Ops = "127.0.0.1:0" }))
	n := c.Nodes[0]
	n.SetAdminRunner(runAdminInNode)
	on := []string{"--ops", n.OpsAddr(), "--domain", n.Config().Domain, "--data", n.Config().Data}
	const png = "../../mediaproc/testdata/alpha.png"
	mustCLI(t, on, "", "emoji", "add", "--category", "cats", "blobcat", png)
	mustCLI(t, on, "", "emoji", "add", "blobcat", png)
	mustCLI(t, on, "blobcat    cats", "emoji", "list")
	mustCLI(t, on, "", "emoji", "disable", "blobcat")
	mustCLI(t, on, "", "emoji", "enable", "blobcat")
	mustCLI(t, on, "", "emoji", "remove", "blobcat")
	added := mustCLI(t, on, "announcement ", "announcement", "add", "Maintenance tonight")
	id := strings.Fields(added)[1]
	mustCLI(t, on, "announcement "+id, "announcement", "update", "--text", "Maintenance tomorrow", id)
	mustCLI(t, on, "", "announcement", "remove", id)

	lines, err := n.AdminAudit(context.Background(), 20)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range slices.Backward(lines) {
		if l.Moderator != "(operator)" {
			t.Errorf("%s by %s, want the operator", l.Action, l.Moderator)
		}
		target := l.Target
		if l.TargetType == "Announcement" {
			target = strings.ReplaceAll(target, id, "ID")
		}
		got = append(got, l.Action+" "+l.TargetType+" "+target)
	}
	want := []string{"create_custom_emoji CustomEmoji blobcat", "update_custom_emoji CustomEmoji blobcat",
		"disable_custom_emoji CustomEmoji blobcat", "enable_custom_emoji CustomEmoji blobcat",
		"destroy_custom_emoji CustomEmoji blobcat", "create_announcement Announcement ID",
		"update_announcement Announcement ID", "destroy_announcement Announcement ID"}
	if !slices.Equal(got, want) {
		t.Errorf("audit log\n%q\nwant\n%q", got, want)
	}
}
