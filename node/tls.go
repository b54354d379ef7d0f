package node

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"
)

// TLSConfig lets a node serve HTTPS itself, for a small instance with no reverse
// proxy in front: from certificate files, or with certificates it obtains and renews
// over ACME (Let's Encrypt by default) for its domain. Either way a second listener
// (redirect) answers plain HTTP with a permanent redirect to https://domain, and in
// the ACME case also the http-01 challenges. Instances behind nginx or Caddy leave
// all of it off (docs/operations.md).
type TLSConfig struct {
	// Cert and Key are PEM files: the certificate chain and its private key.
	Cert string `toml:"cert" help:"PEM certificate chain to serve HTTPS with (with tls.key)"`
	Key  string `toml:"key" help:"PEM private key of tls.cert"`
	// ACME obtains certificates for Domain automatically; they are kept under
	// Data/acme.
	ACME bool `toml:"acme" help:"obtain and renew certificates for the domain over ACME (Let's Encrypt by default)"`
	// ACMEDirectory is the ACME server's directory URL; default Let's Encrypt's
	// production directory (its staging one, or a test server, for trials).
	ACMEDirectory string `toml:"acme_directory" help:"ACME directory URL (default Let's Encrypt production)"`
	// ACMEEmail is the contact address given to the ACME server.
	ACMEEmail string `toml:"acme_email" help:"contact address for the ACME account"`
	// Redirect is the plain-HTTP address that redirects to HTTPS and answers ACME
	// http-01 challenges; default :80 when TLS is on, "off" for none.
	Redirect string `toml:"redirect" help:"plain-HTTP listener redirecting to https, serving ACME challenges (default :80 with TLS; off for none)"`
}

// On says whether the node serves HTTPS itself.
func (t TLSConfig) On() bool { return t.ACME || t.Cert != "" || t.Key != "" }

func (c Config) tlsDefaults() Config {
	if c.TLS.On() && c.TLS.Redirect == "" {
		c.TLS.Redirect = ":80"
	}
	if c.TLS.ACME && c.TLS.ACMEDirectory == "" {
		c.TLS.ACMEDirectory = acme.LetsEncryptURL
	}
	return c
}

func (c Config) validateTLS() []error {
	var errs []error
	if _, err := trustedProxies(c.TrustedProxies); err != nil {
		errs = append(errs, err)
	}
	t := c.TLS
	if !t.On() {
		return errs
	}
	if t.ACME && (t.Cert != "" || t.Key != "") {
		errs = append(errs, errors.New("tls.acme and tls.cert/tls.key exclude each other: certificates come from files or from ACME"))
	}
	if !t.ACME && (t.Cert == "" || t.Key == "") {
		errs = append(errs, errors.New("tls.cert and tls.key go together"))
	}
	if c.Scheme != "https" {
		errs = append(errs, fmt.Errorf("scheme %q: a node serving TLS has https URLs", c.Scheme))
	}
	if t.ACME {
		if strings.Contains(c.Domain, ":") || isLocalDomain(c.Domain) || net.ParseIP(c.Domain) != nil {
			errs = append(errs, fmt.Errorf("tls.acme: domain %q must be a public host name without a port", c.Domain))
		}
		if u, err := url.Parse(t.ACMEDirectory); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("tls.acme_directory %q is not an http(s) URL", t.ACMEDirectory))
		}
	}
	if t.Redirect != "off" {
		if _, _, err := splitHostPort(t.Redirect); err != nil {
			errs = append(errs, fmt.Errorf("tls.redirect %q: %w", t.Redirect, err))
		}
	}
	return errs
}

// trustedProxies parses trusted_proxies: CIDRs, or single addresses.
func trustedProxies(list []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(list))
	for _, s := range list {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("trusted_proxies: %q is neither a CIDR nor an address", s)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// tlsServing is the state of a node that serves HTTPS itself.
type tlsServing struct {
	config     *tls.Config
	manager    *autocert.Manager // ACME only
	redirectLn net.Listener      // nil when redirect is off
	redirect   *http.Server
}

// NewACMEManager makes the manager of the certificates a node obtains over ACME:
// for the configured domain only, cached under Data/acme, from the configured
// directory.
func NewACMEManager(cfg Config) *autocert.Manager {
	return &autocert.Manager{Prompt: autocert.AcceptTOS, Cache: autocert.DirCache(filepath.Join(cfg.Data, "acme")),
		HostPolicy: autocert.HostWhitelist(cfg.Domain), Email: cfg.TLS.ACMEEmail,
		Client: &acme.Client{DirectoryURL: cfg.TLS.ACMEDirectory}}
}

// prepareTLS loads the certificate (or makes the ACME manager) and binds the
// redirect listener, before anything is served; nil when TLS is off.
func (n *Node) prepareTLS() error {
	t := n.cfg.TLS
	if !t.On() || n.ln == nil {
		return nil
	}
	s := &tlsServing{}
	if t.ACME {
		s.manager = NewACMEManager(n.cfg)
		// fasthttp speaks HTTP/1.1 only: no h2 in ALPN, but tls-alpn-01 challenges.
		s.config = &tls.Config{GetCertificate: s.manager.GetCertificate, NextProtos: []string{"http/1.1", acme.ALPNProto},
			MinVersion: tls.VersionTLS12}
	} else {
		cert, err := tls.LoadX509KeyPair(t.Cert, t.Key)
		if err != nil {
			return fmt.Errorf("node: tls: %w", err)
		}
		s.config = &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"},
			MinVersion: tls.VersionTLS12}
	}
	if t.Redirect != "off" {
		ln, err := net.Listen("tcp", t.Redirect)
		if err != nil {
			return fmt.Errorf("node: tls redirect listen: %w", err)
		}
		s.redirectLn = ln
	}
	n.tls = s
	return nil
}

// serveRedirect answers plain HTTP on the redirect listener: ACME's http-01
// challenges, and for everything else a permanent redirect to the same path on
// https://domain (301 for GET and HEAD, 308, which keeps the method and body,
// otherwise). The target is the configured domain, never the request's Host.
func (n *Node) serveRedirect() {
	if n.tls == nil || n.tls.redirectLn == nil {
		return
	}
	base := "https://" + n.cfg.Domain
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code := http.StatusPermanentRedirect
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			code = http.StatusMovedPermanently
		}
		http.Redirect(w, r, base+r.URL.RequestURI(), code)
	})
	if n.tls.manager != nil {
		h = n.tls.manager.HTTPHandler(h)
	}
	n.tls.redirect = &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 10 * time.Second}
	n.wg.Go(func() {
		if err := n.tls.redirect.Serve(n.tls.redirectLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
			n.log.Error("node: tls redirect server stopped", "err", err)
		}
	})
	n.log.Info("node: redirecting plain HTTP to https", "addr", n.tls.redirectLn.Addr().String())
}

// RedirectAddr is the address of the plain-HTTP redirect listener; "" when there is
// none.
func (n *Node) RedirectAddr() string {
	if n.tls == nil || n.tls.redirectLn == nil {
		return ""
	}
	return n.tls.redirectLn.Addr().String()
}

// closeTLS stops the redirect listener.
func (n *Node) closeTLS(ctx context.Context) {
	if n.tls == nil {
		return
	}
	if n.tls.redirect != nil {
		if err := n.tls.redirect.Shutdown(ctx); err != nil {
			n.log.Error("node: tls redirect shutdown", "err", err)
		}
	} else if n.tls.redirectLn != nil {
		n.tls.redirectLn.Close()
	}
}
