// What the official SDK's media.getScaledToFillImageUrl returns for each
// case ({uri, width, height}). Answered by sdk.mjs for fill_test.go.
import { media } from '@wix/sdk';

export function scaledToFillURLs(cases) {
  return cases.map((c) => media.getScaledToFillImageUrl(c.uri, c.width, c.height, {}));
}
