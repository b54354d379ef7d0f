package bustest

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/herd-social/herd/bus"
)

// testHeaders: a message's headers arrive as published, in order, repeated keys and
// empty values included; a message without headers arrives with none.
func testHeaders(t *testing.T, e Engine) {
	tp := newTopic(t, 2)
	b := open(t, e, tp)
	with := []bus.Header{
		{Key: "traceparent", Value: []byte("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")},
		{Key: "dup", Value: []byte("first")},
		{Key: "dup", Value: []byte("second")},
		{Key: "empty", Value: nil},
		{Key: "binary", Value: []byte{0, 0xff, 1}},
	}
	msgs := []bus.Message{
		{Topic: tp.Name, Key: []byte("k"), Value: []byte("with"), Headers: with},
		{Topic: tp.Name, Key: []byte("k"), Value: []byte("without")},
	}
	if err := b.Publish(context.Background(), msgs...); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	var r recorder
	consume(t, b, name(t, "group"), tp.Name, bus.ConsumeOptions{}, r.handler(nil))
	waitCount(t, &r, 2)
	got := r.delivered()
	if string(got[0].Value) != "with" || string(got[1].Value) != "without" {
		t.Fatalf("delivered %q then %q, want with then without", got[0].Value, got[1].Value)
	}
	if err := sameHeaders(got[0].Headers, with); err != nil {
		t.Fatalf("headers: %v", err)
	}
	if len(got[1].Headers) != 0 {
		t.Fatalf("a message published without headers has %v", got[1].Headers)
	}
	if v, ok := got[0].HeaderValue("dup"); !ok || string(v) != "first" {
		t.Fatalf("HeaderValue(dup) = %q %v, want the first", v, ok)
	}
}

func sameHeaders(got, want []bus.Header) error {
	if len(got) != len(want) {
		return fmt.Errorf("got %d headers %v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i].Key != want[i].Key || !bytes.Equal(got[i].Value, want[i].Value) {
			return fmt.Errorf("header %d is %q=%q, want %q=%q", i, got[i].Key, got[i].Value, want[i].Key, want[i].Value)
		}
	}
	return nil
}
