// The wix: media URI the official SDK gives each file (null where it gives
// none). req is {files: [REST file descriptors]}, which answers the SDK's
// Get File Descriptors call with those descriptors (no network), or {ids:
// [file IDs], sim: {url, apiKey, siteId}}, which sends the call to the
// simulator at sim.url. Either way the URIs are what
// files.getFileDescriptors returns after @wix/sdk-runtime's
// transformations: media.image.image, media.vector.image, media.video,
// media.document, the first of media.audio.assets. Answered by sdk.mjs for
// uri_test.go.
import { createClient, ApiKeyStrategy } from '@wix/sdk';
import * as files from '@wix/auto_sdk_media_files';

const WIX = 'https://www.wixapis.com';

export async function wixURIs(req) {
  let answer; // the descriptors the stubbed call answers with
  const fetchFor = async (url, init = {}) => {
    const u = typeof url === 'string' ? url : url instanceof URL ? url.href : url.url;
    if (!u.startsWith(WIX + '/site-media/v1/files/get-files')) throw new Error(`unexpected call ${u}`);
    if (req.files) {
      return new Response(JSON.stringify({ files: answer }), { status: 200, headers: { 'content-type': 'application/json' } });
    }
    return fetch(req.sim.url + u.slice(WIX.length), init);
  };
  const wix = createClient({
    auth: ApiKeyStrategy({ apiKey: req.sim?.apiKey ?? 'key', siteId: req.sim?.siteId ?? 'site' }),
    modules: { files },
    fetch: fetchFor,
  });

  const ids = req.files ? req.files.map((f) => f.id) : req.ids;
  const out = [];
  for (let i = 0; i < ids.length; i += 100) {
    answer = req.files?.slice(i, i + 100);
    const { files: got } = await wix.files.getFileDescriptors(ids.slice(i, i + 100));
    for (const f of got) {
      const m = f.media ?? {};
      out.push(m.image?.image ?? m.vector?.image ?? m.video ?? m.document ?? m.audio?.assets?.[0] ?? null);
    }
  }
  return out;
}
