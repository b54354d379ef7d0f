package node

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// `herd admin` commands run inside the node that serves, through its ops endpoint:
// the command line sends its arguments to POST /ops/admin, the node runs the same
// command against its own open engines (the AdminRunner cmd/herd sets) and streams
// the output back, the exit status following in a trailer. Nothing else is exposed:
// the endpoint is protected as /ops/backup is (an address on loopback or a private
// network), and it takes JSON only, so that a web page cannot post to it without a
// CORS preflight the ops server never grants.

// AdminRunner runs a `herd admin` command (its arguments after "admin") against n,
// writing its output to out. An error with an ExitCode() int method gives the exit
// status; any other error is status 1.
type AdminRunner func(ctx context.Context, n *Node, args []string, out io.Writer) error

// SetAdminRunner lets the ops endpoint run admin commands with r.
func (n *Node) SetAdminRunner(r AdminRunner) { n.admin.Store(&r) }

// Trailers of an /ops/admin answer.
const (
	trailerExit  = "Herd-Exit"
	trailerError = "Herd-Error"
)

// adminRequest is the body of POST /ops/admin.
type adminRequest struct {
	Args []string `json:"args"`
	// Domain is the domain of the configuration the command line read; a node that
	// serves another refuses, lest a command reach the wrong instance.
	Domain string `json:"domain"`
}

func (n *Node) serveAdmin(w http.ResponseWriter, r *http.Request) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		http.Error(w, "send application/json", http.StatusUnsupportedMediaType)
		return
	}
	var req adminRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil || len(req.Args) == 0 {
		http.Error(w, `give {"args": ["command", …], "domain": "…"}`, http.StatusBadRequest)
		return
	}
	if req.Domain != n.cfg.Domain {
		http.Error(w, fmt.Sprintf("this node serves %s, not %s", n.cfg.Domain, req.Domain), http.StatusConflict)
		return
	}
	run := n.admin.Load()
	if run == nil {
		http.Error(w, "this process runs no admin commands", http.StatusNotImplemented)
		return
	}
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a command may run long (a reindex, a cull)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Trailer", trailerExit+", "+trailerError)
	w.WriteHeader(http.StatusOK)
	n.log.Info("node: admin command", "command", req.Args[0])
	err := (*run)(r.Context(), n, req.Args, flushWriter{w, rc})
	code := 0
	if err != nil {
		code = 1
		var c interface{ ExitCode() int }
		if errors.As(err, &c) {
			code = c.ExitCode()
		}
		w.Header().Set(trailerError, strings.Join(strings.Fields(err.Error()), " "))
	}
	w.Header().Set(trailerExit, strconv.Itoa(code))
}

// flushWriter sends each write to the client at once.
type flushWriter struct {
	w  io.Writer
	rc *http.ResponseController
}

func (f flushWriter) Write(p []byte) (int, error) {
	k, err := f.w.Write(p)
	if err == nil {
		err = f.rc.Flush()
	}
	return k, err
}

// AdminExit is the outcome of an admin command a node ran.
type AdminExit struct {
	// Code is the exit status, Err the error's message when it is not 0.
	Code int
	Err  string
}

// RequestAdmin sends a `herd admin` command (args after "admin") to the ops endpoint
// at addr (host:port) of the node serving domain, copying its output to out. An
// error means the command did not run to its end there (a connection refused: no
// node listens); the command's own failure is in the AdminExit.
func RequestAdmin(ctx context.Context, client *http.Client, addr, domain string, args []string, out io.Writer) (AdminExit, error) {
	var x AdminExit
	body, err := json.Marshal(adminRequest{Args: args, Domain: domain})
	if err != nil {
		return x, err
	}
	req, err := http.NewRequestWithContext(ctx, "POST", "http://"+addr+"/ops/admin", bytes.NewReader(body))
	if err != nil {
		return x, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return x, fmt.Errorf("ops endpoint %s: %w", addr, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return x, fmt.Errorf("ops endpoint %s: %s: %s", addr, resp.Status, bytes.TrimSpace(msg))
	}
	if _, err := io.Copy(out, bufio.NewReader(resp.Body)); err != nil {
		return x, fmt.Errorf("ops endpoint %s: %w", addr, err)
	}
	code := resp.Trailer.Get(trailerExit)
	if x.Code, err = strconv.Atoi(code); err != nil {
		return x, fmt.Errorf("ops endpoint %s: the command's end was lost (no exit status)", addr)
	}
	x.Err = resp.Trailer.Get(trailerError)
	return x, nil
}
