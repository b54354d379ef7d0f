// Package web holds Herd's web client, a React and TypeScript app built by Vite from
// the sources beside this file into dist/app, and embeds that build in the binary. It
// only hands the files over: package api serves them. When the app was not built (a
// clone compiled without Node), App reports so, and the server says how to build it.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// App returns the built app (index.html at its root, hashed files under assets/)
// and whether it was built.
func App() (fs.FS, bool) {
	app, err := fs.Sub(dist, "dist/app")
	if err != nil {
		return nil, false
	}
	if _, err := fs.Stat(app, "index.html"); err != nil {
		return nil, false
	}
	return app, true
}
