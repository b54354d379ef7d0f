package bench

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	gofed "github.com/go-fed/httpsig"
	"github.com/valyala/fasthttp"
)

// This machine's ceilings, measured in the same run as the scenario so that every
// report puts the server's figures beside what the machine itself can do at that
// moment (the machine may be shared): the throughput of a bare fasthttp server on
// loopback answering a fixed body the size of one of the target's home pages, loaded
// by the same client at the same concurrency; and RSA-2048 signing and verifying per
// second on all cores, both as a draft-cavage HTTP signature of a typical delivery
// POST (with github.com/go-fed/httpsig, the library Herd's activitypub/httpsig signs
// with; bench speaks HTTP only and may not import the server's packages) and as the
// raw crypto/rsa operation.

// MaxLimits bounds how long each ceiling is measured.
const MaxLimits = time.Minute

// LimitsResult is this machine's ceilings.
type LimitsResult struct {
	Seconds float64 `json:"seconds"` // each ceiling was measured for
	Cores   int     `json:"cores"`   // GOMAXPROCS: the goroutines of the crypto ceilings
	// HTTP is the bare loopback server loaded by the run's client.
	HTTP HTTPLimit `json:"http"`
	// Sign and Verify are draft-cavage signatures (rsa-sha256, "(request-target) host
	// date digest content-type") of a delivery POST through go-fed/httpsig, the digest
	// computed (signing) or checked (verifying); SignRaw and VerifyRaw the RSA-2048
	// PKCS #1 v1.5 operation on a SHA-256 of a signing string of the same size.
	Sign      CryptoLimit `json:"sign"`
	SignRaw   CryptoLimit `json:"sign_raw"`
	Verify    CryptoLimit `json:"verify"`
	VerifyRaw CryptoLimit `json:"verify_raw"`
	// TargetRequests are the requests sent to the target for the limits: the one home
	// page that sizes the HTTP ceiling's body.
	TargetRequests int64 `json:"target_requests"`
	// Error says why a ceiling could not be measured; the others still are.
	Error string `json:"error,omitempty"`
}

// HTTPLimit is the bare loopback server's throughput and latency.
type HTTPLimit struct {
	BodyBytes  int         `json:"body_bytes"` // the fixed body: as long as a home page of the target
	Workers    int         `json:"workers"`    // closed loop: the run's workers, or its max in-flight in open loop
	Requests   int64       `json:"requests"`
	Errors     int64       `json:"errors"`
	Throughput float64     `json:"throughput"` // requests answered per second
	Latency    Percentiles `json:"latency"`
}

// CryptoLimit is one crypto ceiling.
type CryptoLimit struct {
	Ops       int64   `json:"ops"`
	PerSecond float64 `json:"per_second"`
	seconds   float64 // measured for
}

// limitRounds is how many rounds the crypto ceilings take turns in.
const limitRounds = 4

// limitWorkers is the concurrency of the HTTP ceiling: the run's.
func limitWorkers(o Options) int {
	if o.Closed > 0 {
		return o.Closed
	}
	return o.MaxInFlight
}

// measureLimits measures every ceiling for d each. u, when not nil, is the account
// whose home page sizes the HTTP ceiling's body.
func measureLimits(ctx context.Context, a *api, o Options, u *User, d time.Duration) *LimitsResult {
	res := &LimitsResult{Seconds: d.Seconds(), Cores: runtime.GOMAXPROCS(0)}
	sent := a.sent.Load()
	body := homePageBody(a, u)
	res.TargetRequests = a.sent.Load() - sent
	h, err := httpLimit(ctx, o.Client, body, limitWorkers(o), o.Timeout, u, d)
	res.HTTP = h
	if err != nil {
		res.Error = err.Error()
	}
	if ctx.Err() != nil {
		return res
	}
	c, err := cryptoLimits(ctx, d, res.Cores)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	res.Sign, res.SignRaw, res.Verify, res.VerifyRaw = c[0], c[1], c[2], c[3]
	return res
}

// homePageBody is a body as long as u's home page of 20 statuses (one request, not
// counted in the run); 2 KiB of JSON when there is no page to measure.
func homePageBody(a *api, u *User) []byte {
	n := 2048
	if u != nil {
		if r, err := a.send("GET", "/api/v1/timelines/home?limit=20", u.Token, nil, true); err == nil && r.ok() && len(r.body) > 0 {
			n = len(r.body)
		}
	}
	b := bytes.Repeat([]byte("x"), n)
	b[0], b[n-1] = '[', ']'
	return b
}

// httpLimit serves body from a bare fasthttp server on loopback and loads it closed
// loop with workers workers through doer for d.
func httpLimit(ctx context.Context, doer Doer, body []byte, workers int, timeout time.Duration, u *User, d time.Duration) (HTTPLimit, error) {
	res := HTTPLimit{BodyBytes: len(body), Workers: workers}
	srv, err := ServeBare(body, "application/json; charset=utf-8", "")
	if err != nil {
		return res, err
	}
	defer srv.Close()
	bare := newAPI(doer, srv.URL, timeout, 0)
	token := ""
	if u != nil {
		token = u.Token // the same request headers as the run's
	}
	hist, errs := newHist(), atomic.Int64{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	end := start.Add(d)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && time.Now().Before(end) {
				t0 := time.Now()
				r, err := bare.send("GET", "/api/v1/timelines/home?limit=20", token, nil, false)
				el := time.Since(t0)
				if err != nil || !r.ok() {
					errs.Add(1)
				}
				mu.Lock()
				recordValue(hist, el)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	res.Requests, res.Errors = bare.sent.Load(), errs.Load()
	res.Throughput = round3(float64(res.Requests-res.Errors) / elapsed)
	res.Latency = summarise(hist)
	return res, nil
}

// BareServer is a bare fasthttp server on loopback answering every request with one
// fixed response: no routing, no work, so what a server answering that many bytes
// cannot go faster than on this machine. The HTTP ceiling here and the limit
// benchmarks of the server's own tests (api's BenchmarkLimitBareHome) both use it.
type BareServer struct {
	URL    string // http://127.0.0.1:port
	srv    *fasthttp.Server
	served chan error
}

// ServeBare starts a BareServer answering body with contentType and, when not empty,
// contentEncoding (a body the caller has compressed, as a server would send it).
func ServeBare(body []byte, contentType, contentEncoding string) (*BareServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("bench: bare server: listen: %w", err)
	}
	s := &BareServer{URL: "http://" + ln.Addr().String(), served: make(chan error, 1)}
	s.srv = &fasthttp.Server{Name: "bare", Handler: func(c *fasthttp.RequestCtx) {
		c.SetContentType(contentType)
		if contentEncoding != "" {
			c.Response.Header.Set(fasthttp.HeaderContentEncoding, contentEncoding)
		}
		c.SetBody(body)
	}}
	go func() { s.served <- s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the server and waits for it.
func (s *BareServer) Close() error {
	err := s.srv.Shutdown()
	<-s.served
	return err
}

// deliveryBody is a typical delivery: a Create of a short Note.
var deliveryBody = []byte(`{"@context":"https://www.w3.org/ns/activitystreams","id":"https://bench.example/users/alice/statuses/1/activity","type":"Create","actor":"https://bench.example/users/alice","published":"2026-01-01T00:00:00Z","to":["https://www.w3.org/ns/activitystreams#Public"],"cc":["https://bench.example/users/alice/followers"],"object":{"id":"https://bench.example/users/alice/statuses/1","type":"Note","attributedTo":"https://bench.example/users/alice","content":"<p>hello from the bench</p>","published":"2026-01-01T00:00:00Z","to":["https://www.w3.org/ns/activitystreams#Public"]}}`)

const deliveryKeyID = "https://bench.example/users/alice#main-key"

// Signing is an RSA-2048 key and a delivery POST signed with it: what the crypto
// ceilings sign and verify, here and in the limit benchmarks of the server's own tests
// (activitypub's BenchmarkLimitSign and BenchmarkLimitVerify).
type Signing struct {
	key    *rsa.PrivateKey
	signed *http.Request
}

// NewSigning makes a key and signs one delivery with it, checking that it verifies.
func NewSigning() (*Signing, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("bench: limits: generate key: %w", err)
	}
	s := &Signing{key: key}
	if s.signed, err = s.sign(); err != nil {
		return nil, fmt.Errorf("bench: limits: sign: %w", err)
	}
	if err := s.Verify(); err != nil {
		return nil, fmt.Errorf("bench: limits: %w", err)
	}
	return s, nil
}

// Sign signs a delivery POST as Herd does: go-fed's rsa-sha256 signer over
// "(request-target) host date digest content-type", the Digest computed from the body.
// It is safe for concurrent use.
func (s *Signing) Sign() error {
	_, err := s.sign()
	return err
}

func (s *Signing) sign() (*http.Request, error) {
	req, err := http.NewRequest(http.MethodPost, "https://remote.example/users/bob/inbox", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Host", "remote.example")
	req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	req.Header.Set("Content-Type", "application/activity+json")
	signer, _, err := gofed.NewSigner([]gofed.Algorithm{gofed.RSA_SHA256}, gofed.DigestSha256,
		[]string{gofed.RequestTarget, "host", "date", "digest", "content-type"}, gofed.Signature, 0)
	if err != nil {
		return nil, err
	}
	if err := signer.SignRequest(s.key, deliveryKeyID, req, deliveryBody); err != nil {
		return nil, err
	}
	return req, nil
}

// Verify verifies the signed delivery: the body's digest, then the signature. It is
// safe for concurrent use.
func (s *Signing) Verify() error {
	req := s.signed.Clone(context.Background())
	sum := sha256.Sum256(deliveryBody)
	if req.Header.Get("Digest") != "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]) {
		return errors.New("verify: digest mismatch")
	}
	v, err := gofed.NewVerifier(req)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if err := v.Verify(&s.key.PublicKey, gofed.RSA_SHA256); err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	return nil
}

// cryptoLimits measures signing and verifying, each on cores goroutines for d in all:
// the HTTP signature and the raw RSA operation.
func cryptoLimits(ctx context.Context, d time.Duration, cores int) ([4]CryptoLimit, error) {
	var out [4]CryptoLimit
	sg, err := NewSigning()
	if err != nil {
		return out, err
	}
	key := sg.key
	// The raw operations sign a hash of a signing string as long as the signature's.
	signingString := bytes.Repeat([]byte("s"), 200)
	hash := sha256.Sum256(signingString)
	rawSig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, hash[:])
	if err != nil {
		return out, fmt.Errorf("bench: limits: raw sign: %w", err)
	}
	ops := []func() error{
		sg.Sign,
		func() error {
			h := sha256.Sum256(signingString)
			_, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, h[:])
			return err
		},
		sg.Verify,
		func() error {
			h := sha256.Sum256(signingString)
			return rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, h[:], rawSig)
		},
	}
	// Interleaved in rounds, so that a machine shared with other work loads each
	// operation alike and the ratios of the HTTP signatures to the raw operations hold.
	for range limitRounds {
		for i, op := range ops {
			c, err := perSecond(ctx, d/limitRounds, cores, op)
			if err != nil {
				return out, fmt.Errorf("bench: limits: %w", err)
			}
			out[i].Ops += c.Ops
			out[i].seconds += c.seconds
		}
	}
	for i := range out {
		if out[i].seconds > 0 {
			out[i].PerSecond = round3(float64(out[i].Ops) / out[i].seconds)
		}
	}
	return out, nil
}

// perSecond runs op on n goroutines for d and counts.
func perSecond(ctx context.Context, d time.Duration, n int, op func() error) (CryptoLimit, error) {
	var count atomic.Int64
	var first atomic.Pointer[error]
	var wg sync.WaitGroup
	start := time.Now()
	end := start.Add(d)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && time.Now().Before(end) {
				if err := op(); err != nil {
					first.CompareAndSwap(nil, &err)
					return
				}
				count.Add(1)
			}
		}()
	}
	wg.Wait()
	if e := first.Load(); e != nil {
		return CryptoLimit{}, *e
	}
	el := time.Since(start).Seconds()
	return CryptoLimit{Ops: count.Load(), PerSecond: round3(float64(count.Load()) / el), seconds: el}, nil
}

// OfHTTP is throughput as a share of the HTTP ceiling ("-" without one).
func (l *LimitsResult) OfHTTP(throughput float64) string {
	if l == nil || l.HTTP.Throughput <= 0 {
		return "-"
	}
	return share(throughput, l.HTTP.Throughput)
}

// share prints a/b as a percentage, with more digits for small shares.
func share(a, b float64) string {
	switch p := 100 * a / b; {
	case p >= 10:
		return fmt.Sprintf("%.0f%%", p)
	case p >= 1:
		return fmt.Sprintf("%.1f%%", p)
	default:
		return fmt.Sprintf("%.2f%%", p)
	}
}

// limitsSummary prints the ceilings and how the run compares with them.
func limitsSummary(w io.Writer, l *LimitsResult) error {
	if l == nil {
		return nil
	}
	h := l.HTTP
	_, err := fmt.Fprintf(w, "this machine's limits (each measured for %.1fs; %d cores):\n"+
		"  bare loopback HTTP server, %d-byte body (a home page), %d workers: %.0f req/s, %d errors; p50 %.2fms p99 %.2fms\n"+
		"  RSA-2048 draft-cavage signature of a delivery POST (go-fed/httpsig): sign %.0f/s (%s of raw crypto/rsa %.0f/s), verify %.0f/s (%s of raw %.0f/s)\n",
		l.Seconds, l.Cores, h.BodyBytes, h.Workers, h.Throughput, h.Errors, h.Latency.P50, h.Latency.P99,
		l.Sign.PerSecond, shareOr(l.Sign.PerSecond, l.SignRaw.PerSecond), l.SignRaw.PerSecond,
		l.Verify.PerSecond, shareOr(l.Verify.PerSecond, l.VerifyRaw.PerSecond), l.VerifyRaw.PerSecond)
	if err == nil && l.Error != "" {
		_, err = fmt.Fprintf(w, "  limits error: %s\n", l.Error)
	}
	return err
}

func shareOr(a, b float64) string {
	if b <= 0 {
		return "-"
	}
	return share(a, b)
}

func orNoLimits(l *LimitsResult) *LimitsResult {
	if l == nil {
		return &LimitsResult{}
	}
	return l
}

// checkLimits checks the HTTP ceiling's counts and percentiles.
func checkLimits(l *LimitsResult) error {
	if l == nil {
		return nil
	}
	if l.HTTP.Errors > l.HTTP.Requests || l.HTTP.Latency.Count != l.HTTP.Requests {
		return fmt.Errorf("limits: %d requests, %d errors, %d latencies", l.HTTP.Requests, l.HTTP.Errors, l.HTTP.Latency.Count)
	}
	return checkPercentiles("limits http", l.HTTP.Latency)
}
