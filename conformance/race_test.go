//go:build race

package conformance

// raceEnabled makes the test build the simulator with -race too, so that a
// data race in the server fails the test.
const raceEnabled = true
