// Package conformance checks the simulator (wixsim, which `wixmigrate sim`
// serves) against Wix's official JavaScript SDK: `go test ./conformance`
// serves the simulator and a local origin of media from the test process,
// installs the SDK pinned in package-lock.json (npm ci, once per checkout)
// and runs sdk.test.mjs with node; one more node process (sdk.mjs)
// answers the tests comparing the URLs and URIs we compose with the
// SDK's. Node.js 18+ (Debian 12's nodejs will do) and npm are required;
// the tests fail, and are never skipped, without them.
package conformance
