// Package mailtest is the conformance suite of mail.Sender engines, and a client of
// Mailpit, the real SMTP server the tests send to (ops/engines/mailpit.sh): its HTTP
// API tells what arrived. Tests that need the server call FromEnv, which skips them
// when HERD_SMTP_TEST and HERD_MAILPIT_API are not set (`make test` sets them).
package mailtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"
)

// Wait bounds Await; a message arrives in milliseconds, a cluster-shaped node's
// consumers may take seconds to join their group.
const Wait = 30 * time.Second

// Address is a mailbox as Mailpit reports it.
type Address struct {
	Name    string `json:"Name"`
	Address string `json:"Address"`
}

// Received is one message Mailpit holds, decoded by it.
type Received struct {
	ID        string    `json:"ID"`
	MessageID string    `json:"MessageID"`
	From      Address   `json:"From"`
	To        []Address `json:"To"`
	Subject   string    `json:"Subject"`
	Text      string    `json:"Text"`
	HTML      string    `json:"HTML"`
	// Headers are the message's headers, read apart.
	Headers map[string][]string `json:"-"`
}

// Inbox reads a Mailpit server's messages.
type Inbox struct {
	// API is the server's HTTP address, such as http://127.0.0.1:8025.
	API  string
	HTTP *http.Client
}

// FromEnv returns the SMTP address and the inbox of the server the environment
// names, or skips t.
func FromEnv(t testing.TB) (string, *Inbox) {
	t.Helper()
	smtp, api := os.Getenv("HERD_SMTP_TEST"), os.Getenv("HERD_MAILPIT_API")
	if smtp == "" || api == "" {
		t.Skip("no SMTP test server: set HERD_SMTP_TEST (host:port) and HERD_MAILPIT_API (http://host:port) " +
			"to a Mailpit started with ops/engines/mailpit.sh (make test-go does it)")
	}
	return smtp, &Inbox{API: api, HTTP: &http.Client{Timeout: 10 * time.Second}}
}

func (in *Inbox) get(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, in.API+path, nil)
	if err != nil {
		return err
	}
	resp, err := in.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("mailpit %s: status %d", path, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// To returns the messages sent to address, newest first, with their headers.
func (in *Inbox) To(ctx context.Context, address string) ([]Received, error) {
	var list struct {
		Messages []struct {
			ID string `json:"ID"`
		} `json:"messages"`
	}
	q := url.Values{"query": {`to:"` + address + `"`}}
	if err := in.get(ctx, "/api/v1/search?"+q.Encode(), &list); err != nil {
		return nil, err
	}
	out := make([]Received, 0, len(list.Messages))
	for _, m := range list.Messages {
		var r Received
		if err := in.get(ctx, "/api/v1/message/"+url.PathEscape(m.ID), &r); err != nil {
			return nil, err
		}
		if err := in.get(ctx, "/api/v1/message/"+url.PathEscape(m.ID)+"/headers", &r.Headers); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Await waits until n messages were sent to address and returns them, newest first.
func (in *Inbox) Await(t testing.TB, address string, n int) []Received {
	t.Helper()
	var got []Received
	eventually(t, fmt.Sprintf("%d messages to %s", n, address), func() error {
		var err error
		got, err = in.To(context.Background(), address)
		if err != nil {
			return err
		}
		if len(got) < n {
			return fmt.Errorf("%d messages arrived", len(got))
		}
		return nil
	})
	if len(got) != n {
		t.Fatalf("%d messages to %s, want %d", len(got), address, n)
	}
	return got
}

// NewAddress returns an address of the caller's own, that no other test sends to.
func NewAddress(who string) string {
	return fmt.Sprintf("%s+%d@herd.test", who, time.Now().UnixNano())
}

// eventually polls cond until it returns nil, failing t with its last error after
// Wait (the conformance suites do not import testrig).
func eventually(t testing.TB, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(Wait)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %s: %v", what, Wait, err)
		}
		<-tick.C
	}
}
