package view

import (
	"testing"

	"github.com/wixmigrate/wixmigrate/internal/testenv/browser"
	"github.com/wixmigrate/wixmigrate/internal/testmain"
)

func TestMain(m *testing.M) { testmain.Run(m, browser.Close) }
