// Answers the Go tests' questions to the official SDK, one node process
// for all of them (each start costs a few hundred ms of CPU): every line
// of standard input is a JSON request {fn, arg}, answered by a line of
// JSON, {result} or {error}, in order. Run by script_test.go.
import { createInterface } from 'node:readline';
import { wixURIs } from './uri.mjs';
import { scaledToFillURLs } from './fill.mjs';

const fns = { wixURIs, scaledToFillURLs };

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  let answer;
  try {
    const { fn, arg } = JSON.parse(line);
    if (!Object.hasOwn(fns, fn)) throw new Error(`no function ${fn}`);
    answer = { result: await fns[fn](arg) };
  } catch (err) {
    answer = { error: err?.stack ?? String(err) };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
}
