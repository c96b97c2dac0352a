// Prints what the official SDK's media.getScaledToFillImageUrl returns for
// each case read from standard input (a JSON array of
// {uri, width, height}), as a JSON array of URLs. Run by fill_test.go.
import { media } from '@wix/sdk';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const urls = JSON.parse(input).map((c) => media.getScaledToFillImageUrl(c.uri, c.width, c.height, {}));
process.stdout.write(JSON.stringify(urls));
