package source

// Reasons are the formats of the reasons this package writes that a
// person acts on differently: a report keeps only a reason's words, so
// report.CauseOf tells a written reason's kind back by these formats
// (their verbs stand for the details: a status, a type, a size). The code
// writes its reasons with them; rewording one here is followed there.
var Reasons = struct {
	HTTP403    string // %s: the status, "403 Forbidden"
	HTTP404    string // %s: the status
	HTTPStatus string // %s: the status; other answers add ": " and why
	HTMLPage   string // %s: the type, text/html
	NotMedia   string // %s: the type
	Empty      string
	WrongType  string // %s: the manifest's media type; %s: the type; %s: its media type
	RefusesWix string // %s: the type the source answers us with
	LocalFile  string // %s: the path and what is wrong with it
}{
	HTTP403:    "the source answered %s: it probably blocks hotlinking (requests from other sites' servers)",
	HTTP404:    "the source answered %s: the file is missing at the old site",
	HTTPStatus: "the source answered %s",
	HTMLPage:   "the source is an HTML page (%s), not media: often an error or login page",
	NotMedia:   "the source is %s, not a type Wix imports as media",
	Empty:      "the source is empty (0 bytes)",
	WrongType:  "the manifest expects %s but the source is %s (%s)",
	RefusesWix: "Wix could not fetch the source, but it answers us with %s: it probably refuses other sites' servers (hotlink protection); uploading the file instead works",
	LocalFile:  "local file %s",
}
