package scan

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// testWXR is shaped like a real WordPress 6 export: a post whose content
// uses an image's sizes, the image's attachment item with its metadata
// (WordPress renamed the upload photo-1 because photo.jpg existed, and
// scaled it down), an original uploaded under a name that looks like a
// variant, a PDF whose preview sizes are images, and an attachment whose
// metadata was damaged.
const testWXR = `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
	<title>Old Site</title>
	<link>https://old.example.com</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://old.example.com</wp:base_site_url>
	<item>
		<title><![CDATA[Hello &amp; welcome]]></title>
		<link>https://old.example.com/2023/05/hello/</link>
		<content:encoded><![CDATA[<p><img src="https://old.example.com/wp-content/uploads/2023/05/photo-1-300x225.jpg" srcset="https://old.example.com/wp-content/uploads/2023/05/photo-1-300x225.jpg 300w, https://old.example.com/wp-content/uploads/2023/05/photo-1-scaled.jpg 2560w"></p>]]></content:encoded>
		<wp:post_id>10</wp:post_id>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:postmeta>
			<wp:meta_key><![CDATA[_edit_last]]></wp:meta_key>
			<wp:meta_value><![CDATA[1]]></wp:meta_value>
		</wp:postmeta>
	</item>
	<item>
		<title><![CDATA[Sunset over the bay]]></title>
		<link>https://old.example.com/2023/05/hello/photo-1/</link>
		<guid isPermaLink="false">https://old.example.com/wp-content/uploads/2023/05/photo-1.jpg</guid>
		<wp:post_id>11</wp:post_id>
		<wp:post_type><![CDATA[attachment]]></wp:post_type>
		<wp:attachment_url><![CDATA[https://old.example.com/wp-content/uploads/2023/05/photo-1-scaled.jpg]]></wp:attachment_url>
		<wp:postmeta>
			<wp:meta_key><![CDATA[_wp_attached_file]]></wp:meta_key>
			<wp:meta_value><![CDATA[2023/05/photo-1-scaled.jpg]]></wp:meta_value>
		</wp:postmeta>
		<wp:postmeta>
			<wp:meta_key><![CDATA[_wp_attachment_metadata]]></wp:meta_key>
			<wp:meta_value><![CDATA[` + wpImageMeta + `]]></wp:meta_value>
		</wp:postmeta>
	</item>
	<item>
		<title>banner-1200x400</title>
		<wp:post_id>12</wp:post_id>
		<wp:post_type>attachment</wp:post_type>
		<wp:attachment_url>https://old.example.com/wp-content/uploads/2023/06/banner-1200x400.jpg</wp:attachment_url>
		<wp:postmeta>
			<wp:meta_key>_wp_attachment_metadata</wp:meta_key>
			<wp:meta_value><![CDATA[a:4:{s:5:"width";i:1200;s:6:"height";i:400;s:4:"file";s:27:"2023/06/banner-1200x400.jpg";s:5:"sizes";a:1:{s:6:"medium";a:3:{s:4:"file";s:27:"banner-1200x400-300x100.jpg";s:5:"width";i:300;s:6:"height";i:100;}}}]]></wp:meta_value>
		</wp:postmeta>
	</item>
	<item>
		<title>Price list 2023</title>
		<wp:post_type>attachment</wp:post_type>
		<wp:attachment_url>https://old.example.com/wp-content/uploads/2023/07/prices.pdf</wp:attachment_url>
		<wp:postmeta>
			<wp:meta_key>_wp_attachment_metadata</wp:meta_key>
			<wp:meta_value><![CDATA[a:1:{s:5:"sizes";a:1:{s:4:"full";a:3:{s:4:"file";s:14:"prices-pdf.jpg";s:5:"width";i:1088;s:6:"height";i:1408;}}}]]></wp:meta_value>
		</wp:postmeta>
	</item>
	<item>
		<title>Broken&nbsp;meta</title>
		<wp:post_type>attachment</wp:post_type>
		<wp:attachment_url>https://old.example.com/wp-content/uploads/2023/08/broken.png</wp:attachment_url>
		<wp:postmeta>
			<wp:meta_value>a:1:{s:5:"sizes";a:1:{</wp:meta_value>
			<wp:meta_key>_wp_attachment_metadata</wp:meta_key>
		</wp:postmeta>
	</item>
</channel>
</rss>
`

func readAttachments(t *testing.T, wxr string) ([]Attachment, WXRStats, error) {
	t.Helper()
	var got []Attachment
	stats, err := ReadWXRAttachments(strings.NewReader(wxr), func(a Attachment) error {
		got = append(got, a)
		return nil
	})
	return got, stats, err
}

func TestReadWXRAttachments(t *testing.T) {
	got, stats, err := readAttachments(t, testWXR)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Items != 5 || stats.Attachments != 4 || stats.BadMetadata != 1 || len(stats.Warnings) != 1 {
		t.Errorf("stats = %+v", stats)
	}
	if len(got) != 4 {
		t.Fatalf("%d attachments, want 4", len(got))
	}
	photo := got[0]
	if photo.URL != "https://old.example.com/wp-content/uploads/2023/05/photo-1-scaled.jpg" || photo.Original != "https://old.example.com/wp-content/uploads/2023/05/photo-1.jpg" ||
		photo.Title != "Sunset over the bay" || photo.File != "2023/05/photo-1-scaled.jpg" ||
		photo.Width != 2560 || photo.Height != 1920 {
		t.Errorf("photo = %+v", photo)
	}
	if lineOf(testWXR, "photo-1-scaled.jpg]]></wp:attachment_url>") != photo.Line {
		t.Errorf("photo.Line = %d, want the attachment_url's line %d", photo.Line, lineOf(testWXR, "photo-1-scaled.jpg]]></wp:attachment_url>"))
	}
	wantSizes := []Size{
		{Name: "medium", URL: "https://old.example.com/wp-content/uploads/2023/05/photo-1-300x225.jpg", Width: 300, Height: 225},
		{Name: "thumbnail", URL: "https://old.example.com/wp-content/uploads/2023/05/photo-1-150x150.jpg", Width: 150, Height: 150},
	}
	if !reflect.DeepEqual(photo.Sizes, wantSizes) {
		t.Errorf("photo sizes = %+v", photo.Sizes)
	}
	banner := got[1]
	if banner.URL != "https://old.example.com/wp-content/uploads/2023/06/banner-1200x400.jpg" || len(banner.Sizes) != 1 ||
		banner.Sizes[0].URL != "https://old.example.com/wp-content/uploads/2023/06/banner-1200x400-300x100.jpg" {
		t.Errorf("banner = %+v", banner)
	}
	if pdf := got[2]; pdf.Title != "Price list 2023" || len(pdf.Sizes) != 1 || pdf.Sizes[0].URL != "https://old.example.com/wp-content/uploads/2023/07/prices-pdf.jpg" {
		t.Errorf("pdf = %+v", pdf)
	}
	if broken := got[3]; broken.Title != "Broken\u00a0meta" || broken.Sizes != nil {
		t.Errorf("broken = %+v", broken)
	}
	if w := stats.Warnings[0]; !strings.Contains(w.Msg, "broken.png") || w.Line != lineOf(testWXR, "broken.png") {
		t.Errorf("warning = %+v", w)
	}
}

func lineOf(text, needle string) int {
	return strings.Count(text[:strings.Index(text, needle)], "\n") + 1
}

func TestReadWXRAttachmentsTruncated(t *testing.T) {
	cut := testWXR[:strings.Index(testWXR, "Price list")]
	got, _, err := readAttachments(t, cut)
	if err == nil {
		t.Error("a truncated export read without an error")
	}
	if len(got) != 2 {
		t.Errorf("%d attachments before the cut, want 2", len(got))
	}
}

func TestReadWXRAttachmentsMalformed(t *testing.T) {
	bad := strings.Replace(testWXR, "<title>banner-1200x400</title>", "<title>banner</oops></title>", 1)
	got, _, err := readAttachments(t, bad)
	if err == nil {
		t.Error("mismatched tags read without an error")
	}
	if len(got) < 1 || got[0].Title != "Sunset over the bay" {
		t.Errorf("attachments before the problem: %+v", got)
	}
}

func TestReadWXRAttachmentsLatin1(t *testing.T) {
	wxr := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss xmlns:wp=\"http://wordpress.org/export/1.1/\"><channel><item><title>Caf\xe9</title>" +
		"<wp:post_type>attachment</wp:post_type><wp:attachment_url>https://x.example/caf\xe9.jpg</wp:attachment_url></item></channel></rss>"
	got, _, err := readAttachments(t, wxr)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Title != "Café" || got[0].URL != "https://x.example/café.jpg" {
		t.Errorf("got %+v", got)
	}
}

// The export's elements are read by their namespace, whatever its prefix:
// "wp" always (WordPress writes it), another when the file binds it; the
// excerpt namespace under the same URL's path is not WordPress's elements.
func TestReadWXRAttachmentsOtherPrefix(t *testing.T) {
	wxr := `<rss xmlns:x="http://wordpress.org/export/1.2/excerpt/" xmlns:export="http://wordpress.org/export/1.2/"><channel>` +
		`<item><title>A</title><export:post_type>attachment</export:post_type><export:attachment_url>https://x.example/a.jpg</export:attachment_url>` +
		`<export:postmeta><export:meta_key>_wp_attachment_metadata</export:meta_key><export:meta_value>a:1:{s:5:"sizes";a:1:{s:6:"medium";a:1:{s:4:"file";s:11:"a-300x1.jpg";}}}</export:meta_value></export:postmeta></item>` +
		`<item><title>B</title><wp:post_type>attachment</wp:post_type><wp:attachment_url>https://x.example/b.jpg</wp:attachment_url></item>` +
		`<item><title>C</title><x:post_type>attachment</x:post_type><x:attachment_url>https://x.example/c.jpg</x:attachment_url></item>` +
		`</channel></rss>`
	got, _, err := readAttachments(t, wxr)
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, a := range got {
		urls = append(urls, a.URL)
	}
	if !reflect.DeepEqual(urls, []string{"https://x.example/a.jpg", "https://x.example/b.jpg"}) {
		t.Fatalf("attachments %q", urls)
	}
	if len(got[0].Sizes) != 1 || got[0].Sizes[0].URL != "https://x.example/a-300x1.jpg" {
		t.Errorf("sizes under the other prefix: %+v", got[0].Sizes)
	}
}

func TestReadWXRAttachmentsStopsOnCallbackError(t *testing.T) {
	stop := errors.New("enough")
	n := 0
	_, err := ReadWXRAttachments(strings.NewReader(testWXR), func(Attachment) error {
		n++
		return stop
	})
	if err != stop || n != 1 {
		t.Errorf("err %v after %d calls", err, n)
	}
}

func TestIsWXR(t *testing.T) {
	if !IsWXR([]byte(testWXR[:600])) {
		t.Error("a WordPress export not recognized")
	}
	if IsWXR([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>feed</title>`)) {
		t.Error("a plain RSS feed taken for a WordPress export")
	}
}

// wpImageMeta is _wp_attachment_metadata as WordPress 6 writes it for a big
// JPEG it scaled down, with an uploaded name that clashed ("photo-1").
const wpImageMeta = `a:7:{s:5:"width";i:2560;s:6:"height";i:1920;s:4:"file";s:26:"2023/05/photo-1-scaled.jpg";s:8:"filesize";i:402311;s:5:"sizes";a:2:{s:6:"medium";a:5:{s:4:"file";s:19:"photo-1-300x225.jpg";s:5:"width";i:300;s:6:"height";i:225;s:9:"mime-type";s:10:"image/jpeg";s:8:"filesize";i:12034;}s:9:"thumbnail";a:4:{s:4:"file";s:19:"photo-1-150x150.jpg";s:5:"width";i:150;s:6:"height";i:150;s:9:"mime-type";s:10:"image/jpeg";}}s:10:"image_meta";a:3:{s:8:"aperture";s:3:"2.8";s:5:"title";s:0:"";s:8:"keywords";a:0:{}}s:14:"original_image";s:11:"photo-1.jpg";}`
