'use strict';
// The report page's script. Every string from the report is hostile: it is
// written with textContent and setAttribute only, and a URL becomes a link
// or an image only when it is http(s) or file.
(() => {
  const D = JSON.parse(document.getElementById('data').textContent);
  const S = D.s;
  // A string is sent as itself, as the index of a string that repeats, or
  // as [index of its folder, the rest] (see stringTable.value in page.go).
  const str = (v) => (typeof v === 'number' ? (S[v] ?? '') : Array.isArray(v) ? S[v[0]] + v[1] : v ?? '');
  // A row's fields before its manifest cells, in the order page.go writes them.
  const LINE = 0, STATUS = 1, METHOD = 2, TYPE = 3, FOLDER = 4, CAUSE = 5, REASON = 6, FILE = 7,
    WIXURL = 8, THUMB = 9, SIZE = 10, WIDTH = 11, HEIGHT = 12, ATTEMPTS = 13, UPDATED = 14, LOCAL = 15, WIXURI = 16, CELLS = 17;
  const GROUP_PAGE = D.groupPage, CARD_PAGE = D.cardPage;
  // rows[i] is the page's row i. The first screen's rows come first, at
  // D.at; the rest follow the script in chunks (script.rows), parsed after
  // the first render, in the page's order, into the places left. Until
  // they are in, `loading` holds: the filters wait and the counts shown
  // are the page's own (D.groups, D.ready), not the rows' at hand.
  const rows = new Array(D.n);
  const first = new Uint8Array(D.n);
  let order = D.at; // the positions in rows that hold a row, ascending
  let loading = D.at.length < D.n;
  // Undo what page.go left out once: a line of 0 follows the previous
  // row's in its block; a file ID may come as [prefix, middle, suffix].
  function place(block, at) {
    let prevLine = 1;
    block.forEach((r, k) => {
      if (r[LINE] === 0) r[LINE] = prevLine + 1;
      prevLine = r[LINE];
      const f = r[FILE];
      if (Array.isArray(f)) r[FILE] = S[f[0]] + f[1] + S[f[2]];
      rows[at(k)] = r;
    });
  }
  place(D.rows, (k) => D.at[k]);
  for (const i of D.at) first[i] = 1;

  const $ = (id) => document.getElementById(id);
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else e.setAttribute(k, v);
    }
    for (const k of kids) if (k !== null && k !== undefined && k !== '') e.append(k);
    return e;
  }
  function safeURL(u) {
    if (!u) return '';
    try {
      const x = new URL(u);
      return x.protocol === 'http:' || x.protocol === 'https:' || x.protocol === 'file:' ? x.href : '';
    } catch { return ''; }
  }
  function link(text, href, cls) {
    const u = safeURL(href);
    if (!u) return el('span', cls ? { class: cls } : {}, text);
    return el('a', { href: u, rel: 'noopener noreferrer', target: '_blank', ...(cls ? { class: cls } : {}) }, text);
  }
  const cell = (r, i) => (i >= 0 ? str(r[CELLS + i]) : '');
  const source = (r) => cell(r, D.src);
  const lastPart = (s) => { const p = s.replace(/[?#].*$/, '').split('/'); return p[p.length - 1] || s; };
  const name = (r) => cell(r, D.name) || lastPart(source(r)) || 'line ' + r[LINE];
  const wixURL = (r) => (r[WIXURL] === -1 ? D.media + r[FILE] : str(r[WIXURL]));
  function wixURI(r) {
    const u = r[WIXURI];
    return Array.isArray(u) && u.length === 3 ? S[u[0]] + r[FILE] + u[1] + S[u[2]] : str(u);
  }
  function thumbURL(r) {
    const t = r[THUMB];
    if (t === -1) return D.media + r[FILE];
    if (Array.isArray(t)) return D.media + r[FILE] + S[t[0]] + (t[1] === 0 ? lastPart(r[FILE]) : t[1]);
    return str(t);
  }
  function bytes(n) {
    if (!n) return '';
    const u = ['bytes', 'KB', 'MB', 'GB'];
    let i = 0;
    while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(1)) + ' ' + u[i];
  }
  // The manifest's other columns, for a row's details.
  function extras(r) {
    const parts = [];
    D.cols.forEach((c, i) => {
      if (i === D.src || i === D.name) return;
      const v = cell(r, i);
      if (v) parts.push(c + ': ' + v);
    });
    return parts.join(' · ');
  }

  // Filters.
  const form = $('filters'), q = $('q');
  const selects = { status: [$('f-status'), STATUS], method: [$('f-method'), METHOD], type: [$('f-type'), TYPE], folder: [$('f-folder'), FOLDER] };
  Object.values(selects).forEach(([sel], f) => {
    D.facets[f].sort((a, b) => S[a[0]].localeCompare(S[b[0]])).forEach(([k, n]) => {
      sel.append(el('option', { value: String(k) }, (S[k] || '(none)') + ' (' + n + ')'));
    });
  });
  let hay = null; // lower-cased text of every row, made on the first search
  function haystack(i) {
    if (!hay) hay = new Array(rows.length);
    if (hay[i] === undefined) {
      const r = rows[i];
      const parts = [S[r[STATUS]], S[r[METHOD]], S[r[TYPE]], S[r[FOLDER]], str(r[REASON]), r[FILE], wixURL(r), wixURI(r), String(r[LINE])];
      for (let c = CELLS; c < r.length; c++) parts.push(str(r[c]));
      hay[i] = parts.join('\n').toLowerCase();
    }
    return hay[i];
  }
  function matching() {
    const want = Object.values(selects).map(([sel, field]) => [sel.value === '' ? -1 : Number(sel.value), field]).filter(([v]) => v >= 0);
    const words = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    const out = [];
    outer: for (const i of order) {
      const r = rows[i];
      for (const [v, field] of want) if (r[field] !== v) continue outer;
      if (words.length) {
        const h = haystack(i);
        for (const w of words) if (!h.includes(w)) continue outer;
      }
      out.push(i);
    }
    return out;
  }

  // A pager under a list: a page of size rows at a time.
  // While loading, items may be the first page of total rows: the pager
  // says how many there are and pages on once they are in.
  function paged(container, items, size, draw, cls, total = items.length) {
    let page = 0;
    const body = el('div', { class: cls });
    const bar = el('nav', { class: 'pager', 'aria-label': 'pages' });
    const prev = el('button', { type: 'button' }, '← Previous');
    const next = el('button', { type: 'button' }, 'Next →');
    const where = el('span', { 'aria-live': 'polite' });
    prev.addEventListener('click', () => { page--; show(); });
    next.addEventListener('click', () => { page++; show(); });
    bar.append(prev, where, next);
    function show() {
      const pages = Math.max(1, Math.ceil(total / size));
      page = Math.min(Math.max(page, 0), pages - 1);
      body.replaceChildren(draw(items.slice(page * size, (page + 1) * size)));
      where.textContent = (page * size + 1) + '–' + Math.min(total, (page + 1) * size) + ' of ' + total;
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1 || (page + 1) * size >= items.length;
    }
    container.append(body);
    if (total > size) container.append(bar);
    show();
  }

  function groupBox(g, kind) {
    const c = g.cause ? D.causes[g.cause] : null, n = g.total;
    const title = c ? c.title : kind === 'other' ? g.status + (g.reason ? ': ' + g.reason : '') : g.reason || g.status;
    const box = el('section', { class: 'group ' + kind, 'data-status': g.status, 'data-cause': g.cause || '', 'data-count': String(n) });
    box.append(el('h3', {}, el('span', {}, title), el('span', { class: 'badge' }, n + (n === 1 ? ' row' : ' rows'))));
    if (c) {
      box.append(el('p', { class: 'means' }, c.means), el('p', { class: 'next' }, el('b', {}, 'Next step: '), c.next));
    } else if (kind !== 'other') {
      box.append(el('p', { class: 'means' }, 'Reason as the report gives it (no known kind).'));
    }
    paged(box, g.rows, GROUP_PAGE, (page) => {
      const table = el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Line'), el('th', { scope: 'col' }, 'Name'),
        el('th', { scope: 'col' }, 'Source'), el('th', { scope: 'col' }, 'Details'))));
      const tb = el('tbody');
      for (const i of page) {
        const r = rows[i];
        const details = el('td');
        if (c || kind === 'other') details.append(el('div', { class: 'reason' }, str(r[REASON])));
        const x = extras(r);
        if (x) details.append(el('div', { class: 'extra' }, x));
        tb.append(el('tr', { 'data-line': String(r[LINE]) }, el('td', { class: 'line' }, String(r[LINE])), el('td', { class: 'name' }, name(r)),
          el('td', {}, link(source(r) || '(empty)', str(r[LOCAL]) || source(r))), details));
      }
      table.append(tb);
      return table;
    }, 'rows', n);
    return box;
  }

  const glyphs = { VIDEO: '▶', AUDIO: '♪', DOCUMENT: '▤', ARCHIVE: '▣', MODEL3D: '◆' };
  function icon(type) {
    return el('div', { class: 'thumb icon' }, el('span', { class: 'glyph', 'aria-hidden': 'true' }, glyphs[type] || '■'), (type || 'file').toLowerCase());
  }
  function image(src, alt, cls, broken, card) {
    const u = safeURL(src);
    const box = el('div', { class: 'thumb' });
    if (!u) { box.classList.add('broken'); box.textContent = broken; return box; }
    const img = el('img', { class: cls, src: u, alt, loading: 'lazy', decoding: 'async', referrerpolicy: 'no-referrer' });
    img.addEventListener('error', () => {
      box.classList.add('broken');
      box.replaceChildren(broken);
      card.dataset[cls] = 'broken';
    });
    img.addEventListener('load', () => { card.dataset[cls] = 'loaded'; });
    box.append(img);
    return box;
  }
  function card(i) {
    const r = rows[i];
    const type = S[r[TYPE]], n = name(r), visual = type === 'IMAGE' || type === 'VECTOR';
    const c = el('article', { class: 'card', 'data-line': String(r[LINE]) });
    const src = str(r[LOCAL]) || source(r);
    const old = visual ? image(src, 'Old: ' + n, 'old', 'The source no longer loads', c) : icon(type);
    const thumb = thumbURL(r);
    const poster = type === 'VIDEO';
    const neu = thumb ? image(thumb, (poster ? 'On Wix, the poster of: ' : 'On Wix: ') + n, 'new', 'The Wix thumbnail does not load', c) : icon(type);
    c.append(el('div', { class: 'pair' },
      el('figure', {}, old, el('figcaption', {}, el('span', {}, 'Old site'))),
      el('figure', {}, neu, el('figcaption', {}, el('span', {}, poster && thumb ? 'Wix (poster)' : 'Wix')))));
    c.append(el('h3', {}, n));
    const facts = [];
    if (r[WIDTH] && r[HEIGHT]) facts.push(r[WIDTH] + '×' + r[HEIGHT]);
    facts.push(bytes(r[SIZE]), S[r[METHOD]], type.toLowerCase(), S[r[FOLDER]], 'line ' + r[LINE]);
    c.append(el('p', { class: 'facts' }, facts.filter(Boolean).join(' · ')));
    c.append(el('p', { class: 'links' }, link('Old file', src), link('Wix file', wixURL(r)), el('code', { title: 'file_id ' + r[FILE] }, r[FILE])));
    const uri = wixURI(r);
    if (uri) c.append(el('p', { class: 'uri' }, el('code', { title: 'wix_uri ' + uri }, uri)));
    const x = extras(r);
    if (x) c.append(el('p', { class: 'extra' }, x));
    return c;
  }

  function render() {
    const match = matching();
    const groups = { FAILED: new Map(), PENDING: new Map(), other: new Map() };
    const ready = [];
    for (const i of match) {
      const r = rows[i], status = S[r[STATUS]];
      if (status === 'READY') { ready.push(i); continue; }
      const cause = S[r[CAUSE]], reason = str(r[REASON]);
      const where = groups[status] || groups.other;
      // An unreadable row's reason names its line: they make one group.
      const unreadable = status === 'UNREADABLE';
      const key = status + '\u0000' + (cause ? 'c' + cause : unreadable ? '' : 'r' + reason);
      if (!where.has(key)) where.set(key, { key, status, cause, reason: unreadable ? 'the report columns of these lines cannot be read (torn or edited by hand)' : reason, rows: [] });
      where.get(key).rows.push(i);
    }
    // Page.go groups the rows the same way (groupKey) and counts them.
    for (const map of Object.values(groups)) for (const g of map.values()) g.total = loading ? D.groups[g.key] : g.rows.length;
    const count = (id, n) => { $(id + '-n').textContent = n + (n === 1 ? ' row' : ' rows'); };
    const fill = (id, map, kind) => {
      const sec = $(id), box = sec.querySelector('.groups');
      const list = [...map.values()].sort((a, b) => b.total - a.total);
      box.replaceChildren(...list.map((g) => groupBox(g, kind)));
      sec.hidden = list.length === 0;
      count(id, list.reduce((n, g) => n + g.total, 0));
    };
    fill('failures', groups.FAILED, 'failed');
    fill('pending', groups.PENDING, 'pending');
    fill('other', groups.other, 'other');
    const gallery = $('gallery'), list = gallery.querySelector('.list');
    list.replaceChildren();
    const readyN = loading ? D.ready : ready.length;
    gallery.hidden = readyN === 0;
    count('gallery', readyN);
    if (readyN) {
      paged(list, ready, CARD_PAGE, (page) => {
        const f = document.createDocumentFragment();
        for (const i of page) f.append(card(i));
        return f;
      }, 'cards', readyN);
    }
    $('nothing').hidden = match.length !== 0;
    const shown = loading ? rows.length : match.length;
    $('shown').value = (loading ? 'Loading ' + rows.length + ' rows\u2026 search and filters work once they are in'
      : 'Showing ' + shown + ' of ' + rows.length + ' rows') + (rows.length < D.total ? ' (the page holds ' + rows.length + ' of the report\u2019s ' + D.total + ')' : '');
    document.body.dataset.shown = String(shown);
  }

  let timer = 0;
  q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(render, 120); });
  for (const [sel] of Object.values(selects)) sel.addEventListener('change', render);
  form.addEventListener('submit', (e) => { e.preventDefault(); clearTimeout(timer); render(); });
  form.addEventListener('reset', () => setTimeout(render, 0));
  document.addEventListener('keydown', (e) => {
    if (e.key === '/' && !/^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName)) { e.preventDefault(); q.focus(); }
  });
  // Lazy images below the fold would print blank.
  window.addEventListener('beforeprint', () => {
    for (const img of document.querySelectorAll('img[loading="lazy"]')) img.loading = 'eager';
  });
  // The filters wait for every row: a search over some would show wrong
  // counts.
  function busy(on) {
    form.setAttribute('aria-busy', String(on));
    for (const e of form.elements) e.disabled = on;
  }
  busy(loading);
  form.hidden = false;
  render();
  // When the first render ended, from the start of navigation, and when
  // every row was in: what the benchmark reads.
  document.body.dataset.firstMs = String(Math.round(performance.now()));

  // The rest of the rows, a chunk at a time when the page is idle, so it
  // answers meanwhile; a chunk as soon as the browser has read it whole
  // (an element follows it), while it reads the next.
  const later = window.requestIdleCallback ? (f) => requestIdleCallback(f, { timeout: 50 }) : (f) => setTimeout(f, 0);
  let pos = 0;
  function nextChunk() {
    const c = document.querySelector('script.rows');
    return c && (c.nextElementSibling || document.readyState !== 'loading') ? c : null;
  }
  function step(idle) {
    // A chunk at least, more while the slice lasts.
    for (let c = nextChunk(); c; c = idle && idle.timeRemaining() > 5 ? nextChunk() : null) {
      const d = JSON.parse(c.textContent);
      c.remove();
      for (const s of d.s) S.push(s);
      place(d.rows, () => { while (first[pos]) pos++; return pos++; });
    }
    if (document.readyState === 'loading' || document.querySelector('script.rows')) {
      later(step);
      return;
    }
    if (loading) {
      loading = false;
      order = Array.from(rows.keys());
      busy(false);
      render();
    }
    document.body.dataset.readyMs = String(Math.round(performance.now()));
    document.body.dataset.ready = 'true';
  }
  later(step);
})();
