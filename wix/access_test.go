package wix_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wixmigrate/wixmigrate/wix"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

func TestCheckAccess(t *testing.T) {
	srv := wixsim.NewServer(wixsim.Options{APIKey: "the-key", Sites: []string{"site-1"}})
	t.Cleanup(srv.Close)
	gone := httptest.NewServer(http.NotFoundHandler())
	goneURL := gone.URL
	gone.Close()
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"message":"try later"}`, http.StatusServiceUnavailable)
	}))
	t.Cleanup(failing.Close)
	forbidden := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"message":"no permission"}`, http.StatusForbidden)
	}))
	t.Cleanup(forbidden.Close)

	cases := []struct {
		name, base, key, site string
		problem               wix.AccessProblem // 0: no AccessError
		ok                    bool
		says                  string
	}{
		{"all good", srv.URL, "the-key", "site-1", 0, true, ""},
		{"nothing listening", goneURL, "the-key", "site-1", wix.AccessUnreachable, false, "cannot reach " + goneURL + ": "},
		{"wrong key", srv.URL, "wrong", "site-1", wix.AccessKeyRefused, false, "the API key was refused"},
		{"key without the right", forbidden.URL, "the-key", "site-1", wix.AccessKeyRefused, false, `the API key was refused for site ID "site-1"`},
		{"unknown site", srv.URL, "the-key", "site-2", wix.AccessSiteUnknown, false, `the site ID "site-2" is unknown`},
		{"server trouble is no verdict", failing.URL, "the-key", "site-1", 0, false, "503"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := wix.NewClient(tc.key, tc.site)
			c.BaseURL = tc.base
			err := c.CheckAccess(context.Background())
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v", err)
			}
			if err == nil {
				return
			}
			var ae *wix.AccessError
			if got := errors.As(err, &ae); got != (tc.problem != 0) || (got && ae.Problem != tc.problem) {
				t.Fatalf("err = %#v, want problem %d", err, tc.problem)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("err = %q, want it to say %q", err, tc.says)
			}
			if strings.Contains(err.Error(), "the-key") {
				t.Errorf("the key leaked: %v", err)
			}
		})
	}
}
