// Conformance of the simulator with Wix's official JavaScript SDK.
//
// Run through `go test ./conformance`, which starts `wixmigrate sim` and an
// origin of generated media and sets SIM_URL, ORIGIN_URL, API_KEY and
// SITE_ID. Every call below goes through @wix/sdk and
// @wix/auto_sdk_media_files exactly as an app would use them; a custom fetch
// sends what the SDK addresses to https://www.wixapis.com to the simulator.
// Only upload URLs (which the SDK hands out but does not call) are used with
// plain fetch, as Wix documents.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { createClient, ApiKeyStrategy } from '@wix/sdk';
// The package has no `files` export: its methods are top-level exports, and
// the namespace is what createClient takes as a module.
import * as files from '@wix/auto_sdk_media_files';

const { SIM_URL, ORIGIN_URL, API_KEY, SITE_ID } = process.env;
for (const [name, value] of Object.entries({ SIM_URL, ORIGIN_URL, API_KEY, SITE_ID })) {
  if (!value) throw new Error(`${name} is not set: run this through go test ./conformance`);
}

const WIX = 'https://www.wixapis.com';
const MEDIA = 'https://static.wixstatic.com/media/';

// simFetch sends what the SDK addresses to www.wixapis.com to the
// simulator, recording each call in calls, to check its requests reached
// the simulator as the SDK built them.
async function simFetch(calls, input, init = {}) {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (!url.startsWith(WIX + '/')) {
    throw new Error(`the SDK called ${url}, not ${WIX}`);
  }
  const path = url.slice(WIX.length);
  const call = { method: init.method ?? 'GET', path, headers: { ...init.headers }, body: init.body };
  calls.push(call);
  const res = await fetch(SIM_URL + path, init);
  call.answer = res.clone(); // the simulator's answer, as the SDK got it
  return res;
}

// session gives a test its own record of the calls the SDK sent, since the
// tests run concurrently: client makes SDK clients (of SITE_ID unless
// told) that record into calls; wix is one of SITE_ID.
function session() {
  const calls = [];
  const client = ({ siteId = SITE_ID, apiKey = API_KEY } = {}) =>
    createClient({ auth: ApiKeyStrategy({ apiKey, siteId }), modules: { files }, fetch: (input, init) => simFetch(calls, input, init) });
  return { calls, client, wix: client() };
}

async function originBytes(path) {
  const res = await fetch(ORIGIN_URL + path);
  assert.equal(res.status, 200, `origin ${path}`);
  return new Uint8Array(await res.arrayBuffer());
}

const md5 = (bytes) => createHash('md5').update(bytes).digest('hex');

// waitDone polls Get File Descriptor until the file leaves PENDING.
async function waitDone(c, id, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const f = await c.files.getFileDescriptor(id);
    assert.equal(f._id, id);
    if (f.operationStatus !== 'PENDING') return f;
    if (Date.now() > deadline) throw new Error(`${id} still PENDING after ${timeoutMs} ms`);
    await delay(20);
  }
}

// rejection runs fn, which must throw, and returns what it threw.
async function rejection(fn) {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  assert.fail('the call succeeded, an error was expected');
}

function assertDate(d, what) {
  assert.ok(d instanceof Date && !Number.isNaN(d.getTime()), `${what} is a Date, got ${d}`);
}

// assertImage checks a READY image descriptor in the SDK's shapes.
function assertReadyImage(f, { id, name, width, height, bytes }) {
  assert.equal(f.operationStatus, 'READY');
  assert.equal(f._id, id);
  assert.equal(f.id, undefined, 'the SDK renames id to _id');
  assert.equal(f.displayName, name);
  assert.equal(f.mediaType, 'IMAGE');
  assert.equal(f.url, MEDIA + id);
  assert.equal(typeof f.sizeInBytes, 'string', 'sizeInBytes is a decimal string');
  assert.equal(f.sizeInBytes, String(bytes.length));
  assert.equal(f.hash, md5(bytes));
  assert.equal(f.state, 'OK');
  assert.equal(f.private, false);
  assert.equal(f.siteId, SITE_ID);
  assertDate(f._createdDate, '_createdDate');
  assertDate(f._updatedDate, '_updatedDate');
  assert.equal(f.createdDate, undefined);
  // The SDK turns media.image.image into a wix:image:// URL that carries
  // the ID, the file name and the original size.
  assert.equal(typeof f.media?.image?.image, 'string', `media.image.image of ${JSON.stringify(f.media)}`);
  assert.equal(f.media.image.image,
    `wix:image://v1/${id}/${encodeURIComponent(name)}#originWidth=${width}&originHeight=${height}`);
  assert.ok(f.thumbnailUrl, 'a READY image has a thumbnail');
}

function tusMetadata(pairs) {
  return Object.entries(pairs).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',');
}

// sdkFields returns the fields the SDK's typings declare for an interface.
function sdkFields(name) {
  const typings = readFileSync(new URL('./node_modules/@wix/auto_sdk_media_files/build/cjs/index.typings.d.ts', import.meta.url), 'utf8');
  const m = typings.match(new RegExp(`interface ${name} \\{([^}]*)\\}`));
  assert.ok(m, `the SDK declares ${name}`);
  return [...m[1].replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/^\s*(\w+)\??:/gm)].map((f) => f[1]);
}

// The tests are independent of each other (each records its own calls;
// those that count a site's files have a site of their own), so they run
// at once: most of their time is waiting for files to turn READY.
describe('the simulator, driven by the SDK', { concurrency: true }, () => {
  test('createClient sends the API key and the site ID to www.wixapis.com', async () => {
    const { wix, calls } = session();
    const before = calls.length;
    await wix.files.listFiles({ paging: { limit: 1 } });
    const call = calls[before];
    assert.equal(call.method, 'GET');
    assert.ok(call.path.startsWith('/site-media/v1/files?') || call.path === '/site-media/v1/files', call.path);
    assert.equal(call.headers.Authorization, API_KEY);
    assert.equal(call.headers['wix-site-id'], SITE_ID);
  });

  test('importFile answers PENDING, the file turns READY', async () => {
    const { wix, calls } = session();
    const path = '/png/64/48/imported.png';
    const bytes = await originBytes(path);
    const res = await wix.files.importFile(ORIGIN_URL + path, {
      displayName: 'imported.png',
      mediaType: 'IMAGE',
      labels: ['conformance'],
      externalInfo: { origin: 'conformance', externalIds: ['x1'] },
    });
    const call = calls.at(-1);
    assert.equal(call.method, 'POST');
    assert.equal(call.path, '/site-media/v1/files/import');

    const f = res.file;
    assert.ok(f, `importFile answered ${JSON.stringify(res)}`);
    assert.equal(f.operationStatus, 'PENDING');
    assert.ok(f._id, '_id');
    assert.equal(f.url, MEDIA + f._id, 'the url works at once');
    assert.equal(f.displayName, 'imported.png');
    assert.equal(f.mediaType, 'IMAGE');
    assert.equal(f.parentFolderId, 'media-root');
    assert.equal(f.sourceUrl, ORIGIN_URL + path);
    assert.deepEqual(f.labels, ['conformance']);
    assertDate(f._createdDate, '_createdDate');
    assertDate(f._updatedDate, '_updatedDate');

    const done = await waitDone(wix, f._id);
    assertReadyImage(done, { id: f._id, name: 'imported.png', width: 64, height: 48, bytes });
    assert.ok(done.labels.includes('conformance'), 'own labels stay next to AI labels');
    assert.equal(done._createdDate.getTime(), f._createdDate.getTime());
    assert.ok(done._updatedDate > f._updatedDate, 'updatedDate moves on when the file turns READY');
  });

  test('importFile of a JPEG without a display name takes the name from the URL', async () => {
    const { wix } = session();
    const path = '/jpeg/40/30/photo.jpg';
    const bytes = await originBytes(path);
    const { file } = await wix.files.importFile(ORIGIN_URL + path);
    assert.equal(file.operationStatus, 'PENDING');
    const done = await waitDone(wix, file._id);
    assertReadyImage(done, { id: file._id, name: 'photo.jpg', width: 40, height: 30, bytes });
  });

  test('imports of a missing source and of a page that is not media end FAILED', async () => {
    const { wix } = session();
    const missing = await wix.files.importFile(ORIGIN_URL + '/missing.png');
    const page = await wix.files.importFile(ORIGIN_URL + '/page.html', { mediaType: 'IMAGE' });
    for (const { file } of [missing, page]) {
      assert.equal(file.operationStatus, 'PENDING');
      const done = await waitDone(wix, file._id);
      assert.equal(done.operationStatus, 'FAILED', `${file.sourceUrl}`);
      assert.equal(done.media, undefined);
    }
  });

  test('bulkImportFile lines results up by originalIndex; a bad item fails alone', async () => {
    const { wix, calls } = session();
    const requests = [
      { url: ORIGIN_URL + '/png/10/10/bulk-0.png', displayName: 'bulk-0.png' },
      { url: 'ftp://example.com/bulk-1.png', displayName: 'bulk-1.png' },
      { url: ORIGIN_URL + '/jpeg/30/20/bulk-2.jpg', displayName: 'bulk-2.jpg', mediaType: 'IMAGE' },
    ];
    const res = await wix.files.bulkImportFile(requests, { returnEntity: true });
    const call = calls.at(-1);
    assert.equal(call.path, '/site-media/v1/bulk/files/import-v2');

    assert.equal(res.results.length, 3);
    assert.deepEqual(res.results.map((r) => r.itemMetadata.originalIndex), [0, 1, 2]);
    assert.deepEqual(res.results.map((r) => r.itemMetadata.success), [true, false, true]);
    assert.deepEqual(res.bulkActionMetadata, { totalSuccesses: 2, totalFailures: 1, undetailedFailures: 0 });

    const bad = res.results[1];
    assert.equal(bad.item, undefined);
    assert.ok(bad.itemMetadata.error?.code, `error of the bad item: ${JSON.stringify(bad.itemMetadata)}`);
    assert.ok(bad.itemMetadata.error.description);

    for (const i of [0, 2]) {
      const { itemMetadata, item } = res.results[i];
      assert.ok(itemMetadata._id, `itemMetadata._id of item ${i}`);
      assert.equal(item._id, itemMetadata._id);
      assert.equal(item.displayName, requests[i].displayName);
      assert.equal(item.operationStatus, 'PENDING');
      assert.equal(item.media, undefined, 'bulk items come back without media');
      assertDate(item._createdDate, 'item._createdDate');
    }
    const png = await waitDone(wix, res.results[0].item._id);
    assertReadyImage(png, { id: png._id, name: 'bulk-0.png', width: 10, height: 10, bytes: await originBytes('/png/10/10/bulk-0.png') });
    const jpg = await waitDone(wix, res.results[2].item._id);
    assertReadyImage(jpg, { id: jpg._id, name: 'bulk-2.jpg', width: 30, height: 20, bytes: await originBytes('/jpeg/30/20/bulk-2.jpg') });

    const lean = await wix.files.bulkImportFile([{ url: ORIGIN_URL + '/png/5/5/lean.png' }], { returnEntity: false });
    assert.equal(lean.results.length, 1);
    assert.ok(lean.results[0].itemMetadata._id);
    assert.equal(lean.results[0].itemMetadata.originalIndex, 0);
    assert.equal(lean.results[0].item, undefined, 'returnEntity false leaves the item out');
  });

  test('listFiles pages with cursors and the SDK encodes the query as Wix expects', async () => {
    const { wix, calls, client } = session();
    // A site of its own, so the listing holds exactly these files.
    const site = `${SITE_ID}-list`;
    const c = client({ siteId: site });
    const names = ['e.png', 'a.png', 'd.png', 'b.png', 'c.png'];
    const ids = new Map();
    for (const name of names) {
      const { file } = await c.files.importFile(`${ORIGIN_URL}/png/8/8/list-${name}`, { displayName: name });
      ids.set(name, file._id);
    }
    // An HTML page would be an unknown type: it must not show up under
    // mediaTypes IMAGE.
    await c.files.importFile(`${ORIGIN_URL}/jpeg/8/8/list-other.jpg`, { displayName: 'z.jpg', filePath: '/elsewhere' });

    const query = {
      parentFolderId: 'media-root',
      mediaTypes: ['IMAGE'],
      private: false,
      sort: { fieldName: 'displayName', order: 'ASC' },
      paging: { limit: 2 },
    };
    const seen = [];
    let page = await c.files.listFiles(query);
    const first = calls.at(-1);
    assert.equal(first.method, 'GET');
    const [path, qs] = first.path.split('?');
    assert.equal(path, '/site-media/v1/files');
    assert.equal(qs, 'parentFolderId=media-root&mediaTypes=IMAGE&private=false&sort.fieldName=displayName&sort.order=ASC&paging.limit=2');

    let pages = 0;
    for (;;) {
      pages++;
      assert.ok(page.files.length <= 2, `page ${pages} has ${page.files.length} files`);
      for (const f of page.files) {
        assert.equal(f.parentFolderId, 'media-root');
        assertDate(f._updatedDate, '_updatedDate');
        seen.push(f.displayName);
      }
      const next = page.nextCursor?.cursors?.next;
      if (!next) break;
      assert.ok(pages < 10, 'paging does not end');
      page = await c.files.listFiles({ paging: { limit: 2, cursor: next } });
      const [, nextQs] = calls.at(-1).path.split('?');
      assert.equal(nextQs, `paging.limit=2&paging.cursor=${encodeURIComponent(next)}`);
    }
    assert.deepEqual(seen, ['a.png', 'b.png', 'c.png', 'd.png', 'e.png']);
    assert.equal(pages, 3);

    // The default order is updatedDate descending (files turning READY move
    // up, so compare dates, not names).
    const all = await c.files.listFiles({ parentFolderId: 'media-root' });
    assert.equal(all.files.length, 5);
    for (let i = 1; i < all.files.length; i++) {
      assert.ok(all.files[i - 1]._updatedDate >= all.files[i]._updatedDate,
        `file ${i} is newer than file ${i - 1}: ${all.files.map((f) => f._updatedDate.toISOString())}`);
    }

    // Another site sees none of them.
    const foreign = await rejection(() => wix.files.getFileDescriptor(ids.get('a.png')));
    assert.equal(foreign.status, 404);
    const listed = await c.files.getFileDescriptors([...ids.values()]);
    assert.equal(listed.files.length, names.length);
  });

  test('getFileDescriptors returns the asked files', async () => {
    const { wix, calls } = session();
    const a = (await wix.files.importFile(ORIGIN_URL + '/png/12/12/many-a.png')).file;
    const b = (await wix.files.importFile(ORIGIN_URL + '/png/14/14/many-b.png')).file;
    const res = await wix.files.getFileDescriptors([a._id, b._id]);
    const call = calls.at(-1);
    assert.equal(call.method, 'POST');
    assert.equal(call.path, '/site-media/v1/files/get-files');
    assert.deepEqual(res.files.map((f) => f._id).sort(), [a._id, b._id].sort());
    for (const f of res.files) assertDate(f._createdDate, '_createdDate');
  });

  test('searchFiles finds files by name in MEDIA_ROOT', async () => {
    const { wix, calls, client } = session();
    const { file } = await wix.files.importFile(ORIGIN_URL + '/png/9/9/needle.png', { displayName: 'needle-in-haystack.png' });
    await waitDone(wix, file._id);
    const res = await wix.files.searchFiles({
      search: 'needle-in',
      rootFolder: 'MEDIA_ROOT',
      mediaTypes: ['IMAGE'],
      sort: { fieldName: 'displayName', order: 'ASC' },
      paging: { limit: 10 },
    });
    const call = calls.at(-1);
    assert.equal(call.method, 'POST');
    assert.equal(call.path, '/site-media/v1/files/search');
    assert.deepEqual(res.files.map((f) => f._id), [file._id]);
    assert.equal(res.files[0].operationStatus, 'READY');
    assert.equal(typeof res.files[0].media.image.image, 'string');

    // Search pages with cursors too.
    const site = `${SITE_ID}-search`;
    const c = client({ siteId: site });
    for (const n of [1, 2, 3]) {
      await c.files.importFile(`${ORIGIN_URL}/png/6/6/hay-${n}.png`, { displayName: `hay-${n}.png` });
    }
    const names = [];
    let page = await c.files.searchFiles({ search: 'hay', sort: { fieldName: 'displayName', order: 'DESC' }, paging: { limit: 2 } });
    for (let i = 0; ; i++) {
      names.push(...page.files.map((f) => f.displayName));
      const next = page.nextCursor?.cursors?.next;
      if (!next) break;
      assert.ok(i < 5, 'paging does not end');
      page = await c.files.searchFiles({ paging: { limit: 2, cursor: next } });
    }
    assert.deepEqual(names, ['hay-3.png', 'hay-2.png', 'hay-1.png']);
  });

  test('searchFiles with no text spans every folder, newest updated first, paged by cursor', async () => {
    const { calls, client } = session();
    // The poller reads the whole site this way: one listing for files in any folder.
    const c = client({ siteId: `${SITE_ID}-spans` });
    const ids = [];
    for (const n of [1, 2, 3, 4, 5]) {
      const { file } = await c.files.importFile(`${ORIGIN_URL}/png/5/5/span-${n}.png`, { displayName: `span-${n}.png`, filePath: `/shop/p${n % 3}` });
      ids.push(file._id);
    }
    for (const id of ids) await waitDone(c, id);
    const files = [];
    let page = await c.files.searchFiles({ rootFolder: 'MEDIA_ROOT', sort: { fieldName: 'updatedDate', order: 'DESC' }, paging: { limit: 2 } });
    const call = calls.at(-1);
    const sent = JSON.parse(call.body);
    assert.deepEqual(sent.sort, { fieldName: 'updatedDate', order: 'DESC' });
    assert.deepEqual(sent.paging, { limit: 2 });
    for (let i = 0; ; i++) {
      files.push(...page.files);
      const next = page.nextCursor?.cursors?.next;
      if (!next) break;
      assert.ok(i < 5, 'paging does not end');
      page = await c.files.searchFiles({ paging: { limit: 2, cursor: next } });
    }
    assert.deepEqual(files.map((f) => f._id).sort(), [...ids].sort());
    assert.equal(new Set(files.map((f) => f.parentFolderId)).size, 3);
    for (let i = 1; i < files.length; i++) {
      assert.ok(files[i]._updatedDate <= files[i - 1]._updatedDate, `position ${i} is newer than the one before`);
    }
  });

  test('generateFileUploadUrl: a PUT of the bytes with ?filename= answers the file', async () => {
    const { wix, calls } = session();
    const bytes = await originBytes('/png/20/10/uploaded.png');
    const res = await wix.files.generateFileUploadUrl('image/png', { sizeInBytes: String(bytes.length), filePath: '/uploads' });
    assert.equal(calls.at(-1).path, '/site-media/v1/files/generate-upload-url');
    assert.ok(res.uploadUrl, `answer ${JSON.stringify(res)}`);
    const url = new URL(res.uploadUrl);
    url.searchParams.set('filename', 'uploaded.png');
    const put = await fetch(url, { method: 'PUT', headers: { 'Content-Type': 'image/png' }, body: bytes });
    const body = await put.json();
    assert.equal(put.status, 200, JSON.stringify(body));
    // The upload host answers in REST JSON; the SDK plays no part here.
    const f = body.file;
    assert.ok(f?.id, JSON.stringify(body));
    assert.equal(f.displayName, 'uploaded.png');
    assert.equal(f.sizeInBytes, String(bytes.length));
    assert.notEqual(f.parentFolderId, 'media-root', 'filePath puts the file in a folder');
    // Wix's dates on the wire have millisecond precision, like the SDK's Dates.
    assert.match(f.createdDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/);
    const done = await waitDone(wix, f.id);
    assertReadyImage(done, { id: f.id, name: 'uploaded.png', width: 20, height: 10, bytes });
    assert.equal(done.parentFolderId, f.parentFolderId);

    // The URL is single-use.
    const again = await fetch(url, { method: 'PUT', headers: { 'Content-Type': 'image/png' }, body: bytes });
    await again.arrayBuffer();
    assert.equal(again.status, 404);
  });

  test('generateFileResumableUploadUrl: a tus upload with the token in its metadata', async () => {
    const { wix, calls } = session();
    const bytes = await originBytes('/jpeg/200/120/resumable.jpg');
    const res = await wix.files.generateFileResumableUploadUrl('image/jpeg', {
      fileName: 'resumable.jpg',
      sizeInBytes: String(bytes.length),
      uploadProtocol: 'TUS',
    });
    assert.equal(calls.at(-1).path, '/site-media/v1/files/generate-resumable-upload-url');
    assert.equal(res.uploadProtocol, 'TUS');
    assert.ok(res.uploadUrl, 'uploadUrl');
    assert.ok(res.uploadToken, 'uploadToken');

    const tus = { 'Tus-Resumable': '1.0.0' };
    const create = (meta) => fetch(res.uploadUrl, {
      method: 'POST',
      headers: { ...tus, 'Upload-Length': String(bytes.length), ...(meta && { 'Upload-Metadata': tusMetadata(meta) }) },
    });

    // The token is the only authorization: without it, or with a wrong one,
    // nothing is created.
    let r = await create({ filename: 'resumable.jpg', contentType: 'image/jpeg' });
    let body = await r.json();
    assert.equal(r.status, 401, JSON.stringify(body));
    assert.ok(body.details.applicationError.code);
    r = await create({ filename: 'resumable.jpg', contentType: 'image/jpeg', token: 'not-the-token' });
    body = await r.json();
    assert.equal(r.status, 403, JSON.stringify(body));

    r = await create({ filename: 'resumable.jpg', contentType: 'image/jpeg', token: res.uploadToken });
    await r.arrayBuffer();
    assert.equal(r.status, 201);
    const location = new URL(r.headers.get('location'), res.uploadUrl);

    const half = Math.floor(bytes.length / 2);
    const patch = (offset, chunk) => fetch(location, {
      method: 'PATCH',
      headers: { ...tus, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
      body: chunk,
    });
    r = await patch(0, bytes.subarray(0, half));
    await r.arrayBuffer();
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('upload-offset'), String(half));

    r = await fetch(location, { method: 'HEAD', headers: tus });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('upload-offset'), String(half));
    assert.equal(r.headers.get('upload-length'), String(bytes.length));

    r = await patch(half, bytes.subarray(half));
    await r.arrayBuffer();
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('upload-offset'), String(bytes.length));

    const finalize = new URL(`${res.uploadUrl.replace(/\/$/, '')}/${encodeURIComponent(res.uploadToken)}`);
    finalize.searchParams.set('filename', 'resumable.jpg');
    r = await fetch(finalize, { method: 'PUT' });
    body = await r.json();
    assert.equal(r.status, 200, JSON.stringify(body));
    const f = body.file;
    assert.equal(f.displayName, 'resumable.jpg');
    assert.equal(f.sizeInBytes, String(bytes.length));
    const done = await waitDone(wix, f.id);
    assertReadyImage(done, { id: f.id, name: 'resumable.jpg', width: 200, height: 120, bytes });
  });

  test('a bad API key: the SDK throws with status 401 and an applicationError', async () => {
    const { client } = session();
    const bad = client({ apiKey: 'not-the-key' });
    const err = await rejection(() => bad.files.importFile(ORIGIN_URL + '/png/4/4/denied.png'));
    assert.equal(err.status, 401);
    assert.ok(err.details?.applicationError, `details ${JSON.stringify(err.details)}`);
    assert.equal(err.details.applicationError.code, 'UNAUTHENTICATED');
    assert.ok(err.details.applicationError.description);
    assert.ok(err.requestId, 'the SDK quotes x-wix-request-id');
    assert.equal(err.details.requestId, err.requestId);
  });

  test('a validation error surfaces details.validationError.fieldViolations', async () => {
    const { wix } = session();
    const err = await rejection(() => wix.files.importFile('ftp://x'));
    assert.equal(err.status, 400);
    const violations = err.details?.validationError?.fieldViolations;
    assert.ok(Array.isArray(violations) && violations.length === 1, `details ${JSON.stringify(err.details)}`);
    // The SDK renames the REST field to the argument it came from.
    assert.equal(violations[0].field, 'url');
    assert.ok(violations[0].description);
    assert.ok(violations[0].violatedRule);
    // The SDK's message is JSON of the message and the details.
    assert.match(JSON.parse(err.message).message, /^INVALID_ARGUMENT: "url" /);

    const limit = await rejection(() => wix.files.listFiles({ paging: { limit: 1000 } }));
    assert.equal(limit.status, 400);
    assert.equal(limit.details.validationError.fieldViolations[0].field, 'options.paging.limit');
  });

  test('an unknown file is a 404 with an applicationError', async () => {
    const { wix } = session();
    const err = await rejection(() => wix.files.getFileDescriptor('nope~mv2.png'));
    assert.equal(err.status, 404);
    assert.ok(err.details.applicationError.code);
  });

  test('bulkDeleteFiles moves files to the trash bin; listDeletedFiles and bulkRestoreFilesFromTrashBin', async () => {
    const { calls, client } = session();
    const c = client({ siteId: `${SITE_ID}-trash` });
    const ids = [];
    for (const name of ['trash-a.png', 'trash-b.png', 'trash-kept.png']) {
      const { file } = await c.files.importFile(`${ORIGIN_URL}/png/8/8/${name}`, { displayName: name });
      ids.push((await waitDone(c, file._id))._id);
    }
    const [a, b, kept] = ids;
    const listed = async () => (await c.files.listFiles()).files.map((f) => f._id).sort();

    await c.files.bulkDeleteFiles([a, b], { permanent: false });
    let call = calls.at(-1);
    assert.equal(call.method, 'POST');
    assert.equal(call.path, '/site-media/v1/bulk/files/delete');
    assert.deepEqual(await listed(), [kept], 'trashed files leave List Files');
    const media = await c.files.searchFiles({ rootFolder: 'MEDIA_ROOT' });
    assert.deepEqual(media.files.map((f) => f._id), [kept], 'and Search Files of MEDIA_ROOT');
    const trashRoot = await c.files.searchFiles({ rootFolder: 'TRASH_ROOT' });
    assert.deepEqual(trashRoot.files.map((f) => f._id).sort(), [a, b].sort());

    const deleted = await c.files.listDeletedFiles({ sort: { fieldName: 'displayName', order: 'ASC' }, paging: { limit: 1 } });
    call = calls.at(-1);
    assert.equal(call.method, 'GET');
    const [path, qs] = call.path.split('?');
    assert.equal(path, '/site-media/v1/trash-bin/files');
    const q = new URLSearchParams(qs);
    assert.equal(q.get('sort.fieldName'), 'displayName');
    assert.equal(q.get('paging.limit'), '1');
    assert.deepEqual(deleted.files.map((f) => f.displayName), ['trash-a.png']);
    assert.equal(deleted.files[0].state, 'DELETED');
    assertDate(deleted.files[0]._updatedDate, '_updatedDate');
    const next = deleted.nextCursor?.cursors?.next;
    assert.ok(next, 'a second page');
    const rest = await c.files.listDeletedFiles({ paging: { cursor: next } });
    assert.deepEqual(rest.files.map((f) => f.displayName), ['trash-b.png']);

    // Deleting a trashed file again is no error.
    await c.files.bulkDeleteFiles([a]);

    await c.files.bulkRestoreFilesFromTrashBin([a]);
    call = calls.at(-1);
    assert.equal(call.method, 'POST');
    assert.equal(call.path, '/site-media/v1/bulk/trash-bin/files/restore');
    assert.deepEqual(await listed(), [a, kept].sort());
    assert.equal((await c.files.getFileDescriptor(a)).state, 'OK');
    assert.equal((await c.files.getFileDescriptor(b)).state, 'DELETED');

    await c.files.bulkDeleteFiles([b], { permanent: true });
    assert.equal((await c.files.listDeletedFiles()).files.length, 0, 'deleted for good leaves the trash too');
    const err = await rejection(() => c.files.getFileDescriptor(b));
    assert.equal(err.status, 404);
  });

  test('Bulk Delete Files and Bulk Restore answer as the SDK declares: no per-file results; unknown files refused, named', async () => {
    const { calls, client } = session();
    // The SDK's responses for both are empty messages (bulkDeleteFiles and
    // bulkRestoreFilesFromTrashBin resolve to void): Wix reports nothing per
    // file, so the simulator answers {} and a client learns about unknown
    // files only from a refused call.
    assert.deepEqual(sdkFields('BulkDeleteFilesResponse'), []);
    assert.deepEqual(sdkFields('BulkRestoreFilesFromTrashBinResponse'), []);
    assert.deepEqual(sdkFields('BulkDeleteFilesRequest'), ['fileIds', 'permanent']);
    const c = client({ siteId: `${SITE_ID}-bulk-answers` });
    const { file } = await c.files.importFile(`${ORIGIN_URL}/png/8/8/answers.png`, { displayName: 'answers.png' });
    const id = (await waitDone(c, file._id))._id;

    assert.equal(await c.files.bulkDeleteFiles([id]), undefined);
    assert.deepEqual(await calls.at(-1).answer.json(), {});
    // Already in the trash, or already restored: no error, the same answer.
    await c.files.bulkDeleteFiles([id]);
    assert.deepEqual(await calls.at(-1).answer.json(), {});
    assert.equal(await c.files.bulkRestoreFilesFromTrashBin([id]), undefined);
    assert.deepEqual(await calls.at(-1).answer.json(), {});
    await c.files.bulkRestoreFilesFromTrashBin([id]);
    assert.deepEqual(await calls.at(-1).answer.json(), {});

    // A file the Media Manager does not have (deleted for good, or never
    // there) fails the whole call with a 404 naming it in data.fileIds;
    // nothing changes for the others.
    const gone = 'ab12cd_00000000000000000000000000000000~mv2.png';
    for (const call of [() => c.files.bulkDeleteFiles([id, gone]), () => c.files.bulkRestoreFilesFromTrashBin([gone, id])]) {
      const err = await rejection(call);
      assert.equal(err.status, 404);
      assert.deepEqual(err.details.applicationError.data.fileIds, [gone]);
    }
    assert.equal((await c.files.getFileDescriptor(id)).state, 'OK', 'a refused call changes nothing');
  });

  test('importFile passes urlHeaders and urlParams to the source server', async () => {
    const { wix } = session();
    const path = '/guarded/png/10/10/guarded.png';
    const { file } = await wix.files.importFile(ORIGIN_URL + path, {
      urlHeaders: { Referer: 'https://old-site.example/' },
      urlParams: { sig: 'conformance' },
    });
    assert.equal((await waitDone(wix, file._id)).operationStatus, 'READY');
    const bare = (await wix.files.importFile(ORIGIN_URL + path)).file;
    assert.equal((await waitDone(wix, bare._id)).operationStatus, 'FAILED', 'the origin refuses a fetch without them');
  });
});
