package node

import (
	"io/fs"

	"github.com/herd-social/herd/web"
)

// webApp is the web client the node serves: the configured one, else the build
// embedded in the binary; nil when the binary was compiled without it.
func webApp(cfg Config) fs.FS {
	if cfg.WebApp != nil {
		return cfg.WebApp
	}
	if app, ok := web.App(); ok {
		return app
	}
	return nil
}
