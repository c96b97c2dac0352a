package conformance

import (
	"testing"

	"github.com/wixmigrate/wixmigrate/internal/testmain"
)

func TestMain(m *testing.M) { testmain.Run(m, stopScript) }
