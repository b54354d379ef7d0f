package logctx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/herd-social/herd/logctx"
)

// TestHandler: a *Context log call whose context carries a request id gets req_id,
// through loggers made With attributes and groups too; one without, or a plain call,
// gets none; wrapping twice adds it once.
func TestHandler(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(logctx.Wrap(logctx.Wrap(slog.NewJSONHandler(&buf, nil)))).With("node", 1)
	ctx := logctx.With(context.Background(), "abc-123")
	if logctx.With(ctx, "") != ctx {
		t.Fatal("an empty id made a new context")
	}
	log.InfoContext(ctx, "with")
	log.WithGroup("g").InfoContext(ctx, "grouped")
	log.InfoContext(context.Background(), "without")
	log.Info("plain")
	want := []string{"abc-123", "abc-123", "", ""}
	dec := json.NewDecoder(&buf)
	for i, w := range want {
		var line map[string]any
		if err := dec.Decode(&line); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		got, _ := line[logctx.Attr].(string)
		if g, ok := line["g"].(map[string]any); ok {
			got, _ = g[logctx.Attr].(string)
		}
		if got != w || line["node"] != float64(1) {
			t.Errorf("line %d %v: req_id %q, want %q", i, line, got, w)
		}
	}
}
