package api_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/herd-social/herd/testrig"
)

// decoders undo each encoding the server may choose.
var decoders = map[string]func(dst, src []byte) ([]byte, error){
	"br": fasthttp.AppendUnbrotliBytes, "gzip": fasthttp.AppendGunzipBytes,
	"deflate": fasthttp.AppendInflateBytes, "zstd": fasthttp.AppendUnzstdBytes,
}

// get answers GET path with the headers given, the body as sent (not decoded).
func get(t *testing.T, c *testrig.Cluster, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", c.URL()+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	// A transport of its own, which neither asks for gzip nor decodes it.
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// TestCompression: an answer is compressed in the encoding the client prefers among
// those it accepts, and decodes to the plain answer; a client that accepts none gets
// it plain, and so do small answers.
func TestCompression(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	for i := range 10 {
		alice.Post(fmt.Sprintf("post %d, long enough to be worth compressing: %s", i, bytes.Repeat([]byte("la "), 20)))
	}
	path := "/api/v1/accounts/" + alice.ID + "/statuses"
	auth := "Bearer " + alice.Token
	plainResp, plain := get(t, c, path, "Authorization", auth)
	if plainResp.StatusCode != 200 || plainResp.Header.Get("Content-Encoding") != "" || len(plain) < 2000 {
		t.Fatalf("plain: %d %q, %d bytes", plainResp.StatusCode, plainResp.Header.Get("Content-Encoding"), len(plain))
	}
	for accept, want := range map[string]string{
		"gzip": "gzip", "br": "br", "zstd": "zstd", "deflate": "deflate",
		"gzip, deflate, br, zstd": "zstd", "gzip, br": "br", "br, zstd;q=0": "br", "gzip, deflate": "gzip", "identity": "",
	} {
		resp, body := get(t, c, path, "Authorization", auth, "Accept-Encoding", accept)
		if got := resp.Header.Get("Content-Encoding"); got != want {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", accept, got, want)
			continue
		}
		if want == "" {
			continue
		}
		if resp.Header.Get("Vary") == "" || len(body) >= len(plain)/2 {
			t.Errorf("%s: Vary %q, %d bytes of %d", want, resp.Header.Get("Vary"), len(body), len(plain))
		}
		decoded, err := decoders[want](nil, body)
		// Statuses render the same, but their counters and relative times may not:
		// compare the decoded length and the start.
		if err != nil || len(decoded) != len(plain) || !bytes.Equal(decoded[:100], plain[:100]) {
			t.Errorf("%s: decoded %d bytes (%v), plain %d", want, len(decoded), err, len(plain))
		}
	}
	if resp, _ := get(t, c, "/api/v1/instance/rules", "Accept-Encoding", "gzip"); resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("a %d-byte answer was compressed", resp.ContentLength)
	}
}

// TestStreamsUncompressed: an event stream is sent as it is written, whatever the
// client accepts: a compressor would hold events back until its buffer fills.
func TestStreamsUncompressed(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	req, _ := http.NewRequest("GET", c.URL()+"/api/v1/streaming/public", nil)
	req.Header.Set("Authorization", "Bearer "+alice.Token)
	req.Header.Set("Accept-Encoding", "gzip, br")
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "" {
		t.Fatalf("stream: %d, Content-Encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	alice.Post("hello")
	buf := make([]byte, 4096)
	var got []byte
	for !bytes.Contains(got, []byte("event: update")) {
		n, err := resp.Body.Read(buf)
		if err != nil {
			t.Fatalf("read the stream: %v (got %q)", err, got)
		}
		got = append(got, buf[:n]...)
	}
}
