package node

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

type exit3 struct{ error }

func (exit3) ExitCode() int { return 3 }

// TestOpsAdmin: POST /ops/admin runs the process's admin runner against the node and
// returns its output and exit status; it refuses another domain and answers 501 in a
// process without a runner.
func TestOpsAdmin(t *testing.T) {
	n, err := Open(Config{Listen: "127.0.0.1:0", Ops: "127.0.0.1:0", Domain: "herd.example", Data: t.TempDir(),
		NoSync: true, BcryptCost: 4}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Start(context.Background()); err != nil {
		n.Close()
		t.Fatal(err)
	}
	defer n.Close()
	ctx, addr := context.Background(), n.OpsAddr()
	if _, err := RequestAdmin(ctx, http.DefaultClient, addr, "herd.example", []string{"x"}, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "501") {
		t.Fatalf("without a runner: %v", err)
	}
	n.SetAdminRunner(func(ctx context.Context, got *Node, args []string, out io.Writer) error {
		if got != n {
			return errors.New("another node")
		}
		io.WriteString(out, strings.Join(args, " ")+"\n")
		if args[0] == "fail" {
			return exit3{errors.New("it failed\non two lines")}
		}
		return nil
	})
	var out bytes.Buffer
	x, err := RequestAdmin(ctx, http.DefaultClient, addr, "herd.example", []string{"say", "hi"}, &out)
	if err != nil || x.Code != 0 || out.String() != "say hi\n" {
		t.Fatalf("say hi: %+v, %v, %q", x, err, out.String())
	}
	out.Reset()
	x, err = RequestAdmin(ctx, http.DefaultClient, addr, "herd.example", []string{"fail"}, &out)
	if err != nil || x.Code != 3 || x.Err != "it failed on two lines" || out.String() != "fail\n" {
		t.Fatalf("fail: %+v, %v, %q", x, err, out.String())
	}
	if _, err := RequestAdmin(ctx, http.DefaultClient, addr, "other.example", []string{"say"}, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "serves herd.example") {
		t.Fatalf("another domain: %v", err)
	}
}
