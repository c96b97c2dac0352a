package content

import (
	"reflect"
	"strings"
	"testing"
)

// elementsSeen records what an ElementHandler is told.
type elementsSeen struct{ events []string }

func (e *elementsSeen) StartElement(name string, attrs []Attr, at Position) {
	ev := "<" + name
	for _, a := range attrs {
		ev += " " + a.Name + "=" + a.Value
	}
	e.events = append(e.events, ev+"@"+itoa(at.Line()))
}

func (e *elementsSeen) EndElement(name string, at Position) {
	e.events = append(e.events, "/"+name+"@"+itoa(at.Line()))
}

func (e *elementsSeen) CharData(text []byte) {
	if t := strings.TrimSpace(string(text)); t != "" {
		if n := len(e.events); n > 0 && strings.HasPrefix(e.events[n-1], "text:") {
			e.events[n-1] += t // one element's text may come in pieces
			return
		}
		e.events = append(e.events, "text:"+t)
	}
}

// An ElementHandler is told an XML file's elements, attributes (decoded),
// text (references decoded, CDATA as is, Latin-1 as UTF-8) and lines, in
// the pass that finds the URLs; HTML inside CDATA is not XML structure.
func TestElementHandler(t *testing.T) {
	in := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<rss xmlns:wp=\"http://wordpress.org/export/1.2/\">\n" +
		"<item a=\"x &amp; y\"><title>Caf\xe9 &amp; bar</title>\n<wp:attachment_url><![CDATA[https://old.example.com/caf\xe9.jpg]]></wp:attachment_url>\n" +
		"<content:encoded><![CDATA[<p><img src=\"https://old.example.com/b.png\"></p>]]></content:encoded><br/></item></rss>"
	for _, reads := range eachRead {
		var seen elementsSeen
		var urls []string
		if _, err := Find(reads(strings.NewReader(in)), XML, Options{Structure: &seen}, func(r Ref) error {
			urls = append(urls, r.URL)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		want := []string{"<rss xmlns:wp=http://wordpress.org/export/1.2/@2", "<item a=x & y@3", "<title@3", "text:Café & bar", "/title@3",
			"<wp:attachment_url@4", "text:https://old.example.com/café.jpg", "/wp:attachment_url@4",
			"<content:encoded@5", "text:<p><img src=\"https://old.example.com/b.png\"></p>", "/content:encoded@5", "<br@5", "/br@5", "/item@5", "/rss@5"}
		if !reflect.DeepEqual(seen.events, want) {
			t.Errorf("events:\n%q\nwant\n%q", seen.events, want)
		}
		if len(urls) != 3 { // the namespace, the attachment, the image
			t.Errorf("URLs %q", urls)
		}
	}
}
