package node

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/herd-social/herd/api"
	"github.com/herd-social/herd/text"
)

// documents reads the instance's documents the configuration names: the about page
// and the privacy policy from their files (dated by their modification time), the
// terms of service from a directory of versions, each named by the day it takes
// effect. A file is Markdown, or HTML when its name ends in .html. A named file that
// cannot be read, or a version file whose name is not a day, stops the start.
func documents(cfg Config) (api.Documents, error) {
	var d api.Documents
	var err error
	if cfg.About != "" {
		if d.About, err = document(cfg.About); err != nil {
			return d, fmt.Errorf("about: %w", err)
		}
	}
	if cfg.PrivacyPolicy != "" {
		if d.PrivacyPolicy, err = document(cfg.PrivacyPolicy); err != nil {
			return d, fmt.Errorf("privacy_policy: %w", err)
		}
	}
	if cfg.TermsOfService == "" {
		return d, nil
	}
	entries, err := os.ReadDir(cfg.TermsOfService)
	if err != nil {
		return d, fmt.Errorf("terms_of_service: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		day, err := time.Parse(time.DateOnly, strings.TrimSuffix(e.Name(), filepath.Ext(e.Name())))
		if err != nil {
			return d, fmt.Errorf("terms_of_service: %s is not named by a day (2026-12-31.md)", e.Name())
		}
		doc, err := document(filepath.Join(cfg.TermsOfService, e.Name()))
		if err != nil {
			return d, fmt.Errorf("terms_of_service: %w", err)
		}
		d.Terms = append(d.Terms, api.Terms{Effective: day, Content: doc.Content})
	}
	slices.SortFunc(d.Terms, func(a, b api.Terms) int { return a.Effective.Compare(b.Effective) })
	for i := 1; i < len(d.Terms); i++ {
		if d.Terms[i].Effective.Equal(d.Terms[i-1].Effective) {
			return d, fmt.Errorf("terms_of_service: two versions take effect on %s", d.Terms[i].Effective.Format(time.DateOnly))
		}
	}
	return d, nil
}

// document reads one document file.
func document(path string) (*api.Document, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	content := string(b)
	if !strings.EqualFold(filepath.Ext(path), ".html") {
		if content, err = text.Markdown(b); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return &api.Document{Content: content, UpdatedAt: info.ModTime().UTC()}, nil
}
