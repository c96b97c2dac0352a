package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/wix"
)

// apiFlags are the flags of a command that calls the Wix API besides
// migrate (undo, restore): the site, the API's address, the rate, and the
// log on stderr. The API key comes from WIX_API_KEY.
type apiFlags struct {
	siteID    string
	apiKey    string
	apiBase   string
	rate      float64 // --rate: 0 means no limit
	logFormat string
	logLevel  string
	quiet     bool
}

func (a *apiFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&a.siteID, "site-id", getenv("WIX_SITE_ID"), "the Wix site of the report's files (default $WIX_SITE_ID)")
	fs.StringVar(&a.apiBase, "api-base", wix.DefaultBaseURL, "the API's base URL (a simulator's address in tests)")
	fs.Float64Var(&a.rate, "rate", pipeline.DefaultRate, "API calls per minute (Wix allows 200 per site); 0 = no limit")
	fs.StringVar(&a.logFormat, "log-format", "text", "log format on stderr: text or json")
	fs.StringVar(&a.logLevel, "log-level", "", "log level on stderr: debug, info, warn or error (default info; warn with --quiet)")
	fs.BoolVar(&a.quiet, "quiet", false, "log warnings and errors only (unless --log-level says otherwise)")
	a.apiKey = getenv("WIX_API_KEY")
}

// check validates the flags, naming the one at fault; a dry run needs no
// credentials.
func (a *apiFlags) check(dryRun bool) error {
	switch {
	case a.rate < 0:
		return fmt.Errorf("--rate %g: want 0 (no limit) or more", a.rate)
	case a.logFormat != "text" && a.logFormat != "json":
		return fmt.Errorf("--log-format %q: want text or json", a.logFormat)
	case !strings.HasPrefix(a.apiBase, "http://") && !strings.HasPrefix(a.apiBase, "https://"):
		return fmt.Errorf("--api-base %q: want an http(s) URL", a.apiBase)
	}
	if _, ok := logLevels[a.logLevel]; a.logLevel != "" && !ok {
		return fmt.Errorf("--log-level %q: want debug, info, warn or error", a.logLevel)
	}
	if dryRun {
		return nil
	}
	return checkCredentials(a.apiKey, a.siteID, "the site of the report's files")
}

// checkCredentials says which credentials are missing, if any; site says
// what the site ID is for.
func checkCredentials(apiKey, siteID, site string) error {
	var missing []string
	if apiKey == "" {
		missing = append(missing, "WIX_API_KEY (the API key)")
	}
	if siteID == "" {
		missing = append(missing, "WIX_SITE_ID or --site-id ("+site+")")
	}
	if len(missing) > 0 {
		return errors.New("missing credentials: set " + strings.Join(missing, " and "))
	}
	return nil
}

// settingsRate is --rate as pipeline.Settings.Rate.
func (a *apiFlags) settingsRate() float64 {
	if a.rate == 0 {
		return pipeline.NoRateLimit
	}
	return a.rate
}

func (a *apiFlags) logger(stderr io.Writer) *slog.Logger {
	return newLogger(stderr, a.logFormat, a.logLevel, a.quiet)
}

// newLogger is the log on stderr: format text or json, at level (""
// means info, or warn when quiet).
func newLogger(stderr io.Writer, format, level string, quiet bool) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	switch {
	case level != "":
		opts.Level = logLevels[level]
	case quiet:
		opts.Level = slog.LevelWarn
	}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(stderr, opts))
	}
	return slog.New(slog.NewTextHandler(stderr, opts))
}

func (a *apiFlags) client() *wix.Client {
	c := wix.NewClient(a.apiKey, a.siteID)
	c.BaseURL = a.apiBase
	c.HTTPClient = newHTTPClient()
	return c
}
