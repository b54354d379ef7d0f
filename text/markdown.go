package text

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// markdown is CommonMark with GitHub's tables, strikethrough and autolinks. Raw HTML
// in the source is left out (goldmark's default), as the documents it renders are
// shown by every client.
var markdown = goldmark.New(goldmark.WithExtensions(extension.GFM))

// Markdown renders an administrator's Markdown document (the instance's about page,
// privacy policy, terms of service) to HTML.
func Markdown(src []byte) (string, error) {
	var b bytes.Buffer
	if err := markdown.Convert(src, &b); err != nil {
		return "", err
	}
	return b.String(), nil
}
