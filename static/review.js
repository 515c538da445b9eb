// review.js: the analyst's review panel. It lists the places that need
// review (unresolved first, then the least confident) and fixes one: pick a
// runner-up candidate, search the gazetteer, click the map to place it,
// switch incident <-> mention, or reject it. Fixes need the write token,
// which is kept in sessionStorage (this tab only) and sent as a Bearer
// token. Every string from the API is inserted as text.
/* global L */
import { el, fetchJSON, formatDate, PRECISION } from './common.js';

const TOKEN_KEY = 'incidentmap.token';
const BY_KEY = 'incidentmap.by';
const $ = (id) => document.getElementById(id);
// ?review=1 opens the panel at start. Read when the module loads, before
// the map rewrites the URL to its own state.
const openAtStart = new URLSearchParams(location.search).get('review') === '1';

function stored(key) {
  try { return sessionStorage.getItem(key) ?? ''; } catch { return ''; }
}

function store(key, value) {
  try {
    if (value) sessionStorage.setItem(key, value);
    else sessionStorage.removeItem(key);
  } catch { /* storage disabled: the token lives until reload */ }
}

function fmt(n) { return Number(n).toFixed(4); }

// initReview wires the panel. map is the Leaflet map; refresh() re-queries
// the map's markers after a fix.
export function initReview({ map, refresh }) {
  const panel = $('review');
  const opener = $('review-open');
  if (!panel || !opener) return;
  // The review UI must never run inside another site's frame (the server's
  // frame-ancestors already forbids it; this covers /embed, which may be framed).
  if (window.top !== window.self) {
    opener.hidden = true;
    return;
  }
  let token = stored(TOKEN_KEY);
  let selected = null; // the selected feature
  let placing = false;
  let preview = null; // marker of the selected place

  function setStatus(kind, text) {
    const s = $('review-status');
    s.dataset.state = kind;
    s.textContent = text;
  }

  function showLogin() {
    $('review-login').hidden = Boolean(token);
    $('review-body').hidden = !token;
  }

  function setOpen(open) {
    panel.hidden = !open;
    opener.setAttribute('aria-expanded', String(open));
    document.body.classList.toggle('review-open', open);
    setTimeout(() => map.invalidateSize(), 0);
    if (!open) setPlacing(false);
    if (open) {
      showLogin();
      if (token) loadQueue();
      ($('review-login').hidden ? $('review-queue') : $('review-token')).focus?.();
    }
  }

  async function loadQueue() {
    setStatus('busy', 'Loading places to review…');
    const res = await fetchJSON('/api/review?limit=50', { cache: 'no-store' });
    if (!res.ok) {
      setStatus('error', `Could not load the review list: ${res.data?.error ?? res.status}`);
      return;
    }
    const features = res.data.features ?? [];
    $('review-queue').replaceChildren(...features.map((f) => {
      const p = f.properties;
      const b = el('button', { type: 'button', class: 'review-item', 'data-id': p.id, 'aria-pressed': String(selected?.properties.id === p.id) },
        el('strong', {}, p.place || p.name || 'Unnamed place'),
        ` · ${p.role ?? ''} · ${Math.round((p.confidence ?? 0) * 100)}%`,
        p.needs_review ? el('span', { class: 'flag review' }, 'unresolved') : null);
      b.addEventListener('click', () => select(f));
      return el('li', {}, b);
    }));
    setStatus('ready', features.length ? `${features.length} places, unresolved first` : 'Nothing to review');
  }

  function select(f) {
    selected = f;
    setPlacing(false);
    for (const b of $('review-queue').querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.id === String(f.properties.id)));
    const p = f.properties;
    const [lon, lat] = f.geometry.coordinates;
    $('review-detail').hidden = false;
    $('review-place').textContent = p.place || p.name || 'Unnamed place';
    $('review-resolved').textContent = `${p.geonameid ? `${p.name} (GeoNames ${p.geonameid})` : 'not in the gazetteer'}`
      + ` · ${PRECISION[p.precision]?.label ?? `precision ${p.precision}`} · ${fmt(lat)}, ${fmt(lon)}`
      + ` · ${formatDate(p.date, p.date_precision)}`;
    $('review-sentence').textContent = p.sentence ?? '';
    $('review-role').textContent = p.role === 'mention' ? 'Mark as incident' : 'Mark as mention';
    $('review-country').value = p.country ?? '';
    $('review-q').value = p.place ?? '';
    renderPlaces($('review-candidates'), p.candidates ?? [], 'No runner-up candidates');
    $('review-results').replaceChildren();
    preview?.remove();
    preview = L.circleMarker([lat, lon], { radius: 12, color: '#f57f17', weight: 3, fill: false, interactive: false }).addTo(map);
    map.setView([lat, lon], Math.max(map.getZoom(), 11), { animate: false });
    $('review-reject').textContent = 'Reject';
    delete $('review-reject').dataset.confirm;
  }

  // renderPlaces lists gazetteer places, each with a button that resolves
  // the selected incident to it.
  function renderPlaces(ul, places, empty) {
    if (!places.length) {
      ul.replaceChildren(el('li', { class: 'hint' }, empty));
      return;
    }
    ul.replaceChildren(...places.map((c) => {
      const b = el('button', { type: 'button', 'data-geonameid': c.geonameid }, 'Use');
      b.addEventListener('click', () => correct({ action: 'candidate', geonameid: c.geonameid }, `Resolved as ${c.name}`));
      return el('li', {}, b, ' ', el('strong', {}, c.name),
        ` ${[c.admin1, c.country].filter(Boolean).join(', ')} · ${c.fcode ?? ''} · ${fmt(c.lat)}, ${fmt(c.lon)}`);
    }));
  }

  function setPlacing(on) {
    placing = on;
    $('review-place-btn').setAttribute('aria-pressed', String(on));
    map.getContainer().classList.toggle('placing', on);
    if (on) setStatus('ready', 'Click the map where the place is.');
  }

  // correct POSTs a correction for the selected incident and refreshes
  // the map and the list.
  async function correct(body, done) {
    if (!selected) return;
    const id = selected.properties.id;
    const by = $('review-by').value.trim();
    setStatus('busy', 'Saving…');
    let res;
    try {
      const r = await fetch(`/api/incidents/${encodeURIComponent(id)}/review`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, Accept: 'application/json' },
        body: JSON.stringify(by ? { ...body, by } : body),
      });
      res = { ok: r.ok, status: r.status, data: await r.json().catch(() => ({})) };
    } catch (err) {
      setStatus('error', `Not saved: ${err.message}`);
      return;
    }
    if (res.status === 401 || res.status === 403) {
      token = '';
      store(TOKEN_KEY, '');
      showLogin();
      setStatus('error', `Not saved: ${res.data?.error ?? 'the token was refused'}`);
      return;
    }
    if (!res.ok) {
      setStatus('error', `Not saved: ${res.data?.error ?? res.status}`);
      return;
    }
    if (body.action === 'reject') {
      selected = null;
      preview?.remove();
      $('review-detail').hidden = true;
    } else {
      select(res.data);
    }
    refresh();
    await loadQueue();
    setStatus('saved', done);
  }

  opener.addEventListener('click', () => setOpen(panel.hidden));
  $('review-close').addEventListener('click', () => { setOpen(false); opener.focus(); });
  $('review-by').value = stored(BY_KEY);
  $('review-by').addEventListener('change', (e) => store(BY_KEY, e.target.value.trim()));
  $('review-login').addEventListener('submit', (e) => {
    e.preventDefault();
    token = $('review-token').value.trim();
    $('review-token').value = '';
    store(TOKEN_KEY, token);
    showLogin();
    if (token) loadQueue();
  });
  $('review-lock').addEventListener('click', () => {
    token = '';
    store(TOKEN_KEY, '');
    showLogin();
    setStatus('ready', 'Token forgotten.');
  });
  $('review-search-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const q = new URLSearchParams({ q: $('review-q').value.trim(), limit: '10' });
    const cc = $('review-country').value.trim().toUpperCase();
    if (cc) q.set('country', cc);
    const res = await fetchJSON(`/api/gazetteer/search?${q}`);
    if (!res.ok) {
      setStatus('error', `Search failed: ${res.data?.error ?? res.status}`);
      return;
    }
    renderPlaces($('review-results'), res.data.places ?? [], 'No gazetteer place by that name');
  });
  $('review-place-btn').addEventListener('click', () => setPlacing(!placing));
  $('review-role').addEventListener('click', () => {
    const role = selected?.properties.role === 'mention' ? 'incident' : 'mention';
    correct({ action: 'role', role }, `Marked as ${role}`);
  });
  $('review-reject').addEventListener('click', (e) => {
    // Two steps instead of confirm(): no modal dialog, and keyboard friendly.
    const b = e.currentTarget;
    if (!b.dataset.confirm) {
      b.dataset.confirm = '1';
      b.textContent = 'Confirm reject';
      return;
    }
    correct({ action: 'reject' }, 'Rejected: the place left the map');
  });
  map.on('click', (e) => {
    if (!placing || !selected) return;
    const { lat, lng } = e.latlng.wrap();
    setPlacing(false);
    correct({ action: 'move', lat: Number(lat.toFixed(6)), lon: Number(lng.toFixed(6)) }, `Moved to ${fmt(lat)}, ${fmt(lng)}`);
  });
  if (openAtStart) setOpen(true);
}
