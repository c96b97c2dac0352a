// Package conformance checks the simulator (wixsim, served by `wixmigrate
// sim`) against Wix's official JavaScript SDK: `go test ./conformance`
// builds the binary, starts the simulator and a local origin of media,
// installs the SDK pinned in package-lock.json (npm ci) and runs
// sdk.test.mjs with node --test. Node.js 18+ (Debian 12's nodejs will do)
// and npm are required; the test fails, and is never skipped, without them.
package conformance
