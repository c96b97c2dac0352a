package content

// markdownFormat is Markdown: link and image targets and reference
// definitions are places where a URL is expected; inline HTML is HTML.
var markdownFormat = formatDef{
	name:       "markdown",
	extensions: []string{".md", ".markdown", ".mdown", ".mkd"},
	family:     "markdown",
	scan:       scanMarkdown,
}

func scanMarkdown(s *stream) { scanMarkup(s, markupMarkdown) }
