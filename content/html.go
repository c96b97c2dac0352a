package content

// htmlFormat is HTML and XHTML: attribute values that hold URLs (src,
// href, srcset, style's url()...), text, comments, scripts and style
// sheets, each in its escaping.
var htmlFormat = formatDef{
	name:       "html",
	extensions: []string{".html", ".htm", ".xhtml", ".shtml"},
	sniff: func(body []byte) int {
		switch {
		case hasPrefixFold(body, "<?xml"):
			if declaresHTML(body) {
				return sniffSure
			}
			return 0
		case hasPrefixFold(body, "<!doctype html"), hasPrefixFold(body, "<html"):
			return sniffSure
		case hasPrefixFold(body, "<rss"), hasPrefixFold(body, "<urlset"),
			hasPrefixFold(body, "<feed"), hasPrefixFold(body, "<sitemapindex"):
			return 0
		case len(body) > 0 && body[0] == '<':
			return sniffPossible
		}
		return 0
	},
	accepts: startsWithTag,
	family:  "markup",
	scan:    func(s *stream) { scanMarkup(s, markupHTML) },
}
