// app.js: the incident map. State lives in the URL query string (filters
// and view), is read once at start, and every change re-queries the API and
// rewrites the URL, so a copied link reopens the same map.
/* global L */
import {
  el, append, highlight, formatDate, PRECISION, ROLE_COLOURS, sourceColour,
  fetchJSON, isOffline, addBaseLayers, reportLink,
} from './common.js';
import { Histogram, bucketEnd, chooseInterval } from './histogram.js';
import { initReview } from './review.js';

const $ = (id) => document.getElementById(id);

// ---- state <-> URL --------------------------------------------------------

// readState parses the page's query string into the app state.
function readState(params) {
  const num = (k) => {
    const v = Number(params.get(k));
    return params.has(k) && Number.isFinite(v) ? v : null;
  };
  const lat = num('lat');
  const lon = num('lon');
  const z = num('z');
  return {
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    // null: every source; an array: only these (possibly none).
    sources: params.has('source') || params.get('sources') === 'none' ? params.getAll('source') : null,
    sourceKind: params.get('source_kind') ?? '',
    mentions: params.get('mentions') === '1',
    maxPrecision: params.get('max_precision') ?? '',
    disputed: params.get('disputed') ?? '',
    colour: params.get('colour') === 'source' ? 'source' : 'role',
    interval: params.get('interval') ?? '',
    base: params.get('base') ?? '',
    offline: isOffline(params),
    view: lat !== null && lon !== null && z !== null ? { lat, lon, z } : null,
    incident: params.get('incident') ?? '',
  };
}

// apiParams returns the API query for state; omit drops filters (the
// source list is counted without the source filter, the histogram
// without the dates).
function apiParams(state, { omitSources = false, omitDates = false } = {}) {
  const p = new URLSearchParams();
  if (!omitDates && state.from) p.set('from', state.from);
  if (!omitDates && state.to) p.set('to', state.to);
  if (!omitSources && state.sources) for (const s of state.sources) p.append('source', s);
  if (state.sourceKind) p.set('source_kind', state.sourceKind);
  if (state.mentions) {
    p.append('role', 'incident');
    p.append('role', 'mention');
  }
  if (state.maxPrecision) p.set('max_precision', state.maxPrecision);
  if (state.disputed) p.set('disputed', state.disputed);
  return p;
}

// pageParams returns the page's own query string for state: the API
// filters plus display options and the view.
function pageParams(state, { withIncident = true } = {}) {
  const p = new URLSearchParams();
  if (state.from) p.set('from', state.from);
  if (state.to) p.set('to', state.to);
  if (state.sources) {
    for (const s of state.sources) p.append('source', s);
    if (!state.sources.length) p.set('sources', 'none');
  }
  if (state.sourceKind) p.set('source_kind', state.sourceKind);
  if (state.mentions) p.set('mentions', '1');
  if (state.maxPrecision) p.set('max_precision', state.maxPrecision);
  if (state.disputed) p.set('disputed', state.disputed);
  if (state.colour !== 'role') p.set('colour', state.colour);
  if (state.interval) p.set('interval', state.interval);
  if (state.base) p.set('base', state.base);
  if (state.offline) p.set('offline', '1');
  if (state.view) {
    p.set('lat', state.view.lat.toFixed(4));
    p.set('lon', state.view.lon.toFixed(4));
    p.set('z', String(state.view.z));
  }
  if (withIncident && state.incident) p.set('incident', state.incident);
  return p;
}

const params = new URLSearchParams(location.search);
const state = readState(params);
const embed = location.pathname.replace(/\/+$/, '') === '/embed' || params.get('embed') === '1';

function writeURL() {
  const qs = pageParams(state).toString();
  const url = `${location.pathname}${qs ? `?${qs}` : ''}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, '', url);
  updateLinks();
}

// ---- map ------------------------------------------------------------------

if (embed) document.body.classList.add('embed');

// maxZoom is explicit because the offline base (a GeoJSON layer) has none
// and the cluster group needs one.
const map = L.map('map', { worldCopyJump: true, keyboard: true, maxZoom: 18, fadeAnimation: false });
map.setView(state.view ? [state.view.lat, state.view.lon] : [25, 20], state.view ? state.view.z : 2);
// The view is written to the URL only once it is the one the user sees
// (restored or fitted), so the placeholder view never lands in a link.
let viewSettled = Boolean(state.view);

// A zoomed view's server clusters are asked for in the map's 'zoom' event,
// registered before the base layer's own handler: Leaflet requests the new
// view's tiles there, and a request sent after twenty of them waits for one
// of the browser's six connections to the server (100–300 ms measured on
// the 100k benchmark). moveend asks again only if the view differs.
map.on('zoom', (e) => { if (!e.pinch && !e.flyTo && serverMode && viewSettled) reloadServerClusters(); });

const base = addBaseLayers(map, {
  wanted: state.base,
  offline: state.offline,
  onChange: (id, { auto }) => {
    // Remember only explicit choices that differ from the default; an
    // automatic fallback must not stick to the link.
    if (auto) return;
    state.base = id === (state.offline ? 'natural-earth' : 'osm') ? '' : id;
    writeURL();
  },
});

// An embed carries a "data as of" stamp and a link back to the full map
// with the same view and filters, so a reader of a report can check it.
if (embed) {
  const stamp = L.control({ position: 'bottomleft' });
  stamp.onAdd = () => {
    const box = document.createElement('div');
    box.className = 'embed-stamp';
    const asOf = document.createElement('span');
    asOf.id = 'embed-asof';
    asOf.textContent = 'Data as of …';
    const link = document.createElement('a');
    link.id = 'embed-full';
    link.target = '_blank';
    link.rel = 'noopener';
    link.textContent = 'Open the full map';
    link.href = `/${location.search}`;
    box.append(asOf, ' · ', link);
    return box;
  };
  stamp.addTo(map);
  fetch('/api/version').then((r) => r.json()).then((v) => {
    const when = v.updated ? `${v.updated.slice(0, 16).replace('T', ' ')} UTC` : 'no data yet';
    document.getElementById('embed-asof').textContent = `Data as of ${when}`;
  }).catch(() => {});
}

// One canvas holds the uncertainty circles and the server's clusters
// (drawn as circles with counts, see ClusterCircle). Its pane keeps it
// above the base layers and below the lone incidents' markers. One canvas,
// not two: without a GPU, Chromium copies a canvas into its compositor on
// every frame it changes, and each zoom resizes (reallocates) it; a second
// canvas of 2.6 Mpx (padding 0.3) doubled that work. Circles go to the back
// so clusters stay readable on top of them.
map.createPane('clusters').style.zIndex = 450;
const canvasRenderer = L.canvas({ pane: 'clusters', padding: 0.1 });
const circles = L.featureGroup().addTo(map);
const clusters = L.markerClusterGroup({
  chunkedLoading: true,
  chunkProgress: (done, total) => { if (done === total) setTimeout(renderDone, 0); },
  showCoverageOnHover: false,
  spiderfyOnMaxZoom: true,
  maxClusterRadius: 45,
}).addTo(map);
base.control.addOverlay(circles, 'Uncertainty areas');
// One popup binding for the whole group: the content is built from the
// clicked marker's properties when it opens.
clusters.bindPopup((m) => popupContent(m.props), { maxWidth: 340, minWidth: 220 });
clusters.on('popupopen', (e) => {
  state.incident = e.propagatedFrom?.incidentId ?? '';
  writeURL();
});
clusters.on('popupclose', (e) => {
  if (state.incident === e.propagatedFrom?.incidentId) {
    state.incident = '';
    writeURL();
  }
});

const markersById = new Map();
let features = [];

function colourOf(p) {
  return state.colour === 'source' ? sourceColour(p.source) : (ROLE_COLOURS[p.role] ?? '#555');
}

// MarkerIcon is a div icon whose colour is set through the CSSOM (allowed
// by the Content-Security-Policy), not an inline style attribute.
const MarkerIcon = L.DivIcon.extend({
  createIcon(old) {
    const div = L.DivIcon.prototype.createIcon.call(this, old);
    div.style.setProperty('--c', this.options.colour);
    return div;
  },
});

function safeClass(s) {
  return String(s ?? '').replace(/[^a-z0-9-]/gi, '');
}

// Icons are shared by every marker with the same look: with 100,000
// incidents, one icon object per marker costs seconds.
const icons = new Map();

function iconFor(p) {
  const cls = ['im-marker', `role-${safeClass(p.role)}`, `prec-${safeClass(p.precision)}`];
  if (p.disputed) cls.push('disputed');
  if (p.needs_review) cls.push('review');
  const colour = colourOf(p);
  const key = `${cls.join(' ')}|${colour}`;
  if (!icons.has(key)) icons.set(key, new MarkerIcon({ className: cls.join(' '), iconSize: [14, 14], html: '', colour }));
  return icons.get(key);
}

function markerFor(f) {
  const p = f.properties;
  const [lon, lat] = f.geometry.coordinates;
  const label = `${p.place || p.name || 'place'}, ${p.date ?? ''}${p.disputed ? ', disputed' : ''}`;
  const m = L.marker([lat, lon], { icon: iconFor(p), title: label, alt: label, keyboard: true, riseOnHover: true });
  m.incidentId = String(p.id);
  m.props = p;
  if (PRECISION[p.precision]?.radius) {
    // The area is drawn only while the marker itself is on the map (not
    // folded into a cluster), so 100,000 incidents do not mean 100,000
    // circles on the canvas.
    m.on('add', showArea);
    m.on('remove', hideArea);
  }
  return m;
}

function showArea() {
  const p = this.props;
  this.area ??= L.circle(this.getLatLng(), {
    radius: PRECISION[p.precision].radius, renderer: canvasRenderer, interactive: false, weight: 1,
    color: colourOf(p), fillOpacity: 0.12, opacity: 0.5, dashArray: p.disputed ? '4 4' : null,
  });
  circles.addLayer(this.area);
  this.area.bringToBack();
}

function hideArea() {
  if (this.area) circles.removeLayer(this.area);
}

function resolvedAs(p) {
  if (!p.geonameid && !p.name) return 'not found in the gazetteer';
  const parts = [p.name, p.admin1, p.country].filter(Boolean);
  return parts.join(', ') + (p.geonameid ? ` (GeoNames ${p.geonameid})` : '');
}

function stanceText(s) {
  if (s.kind === 'claimant') return s.stance === 'denies' ? 'denies' : 'claims';
  return 'reported';
}

// popupContent builds a popup for one incident's properties. All values
// are inserted as text.
function popupContent(p) {
  const sources = p.sources?.length ? p.sources : [{ name: p.source, kind: 'outlet', report_id: p.report_id }];
  const flags = [];
  if (p.disputed) flags.push(el('span', { class: 'flag disputed' }, 'disputed'));
  if (p.needs_review) flags.push(el('span', { class: 'flag review' }, 'needs review'));
  const others = (p.report_ids ?? []).filter((id) => id !== p.report_id);
  return el('div', { class: 'popup', 'data-incident': p.id },
    el('h3', { class: 'place' }, p.place || p.name || 'Unnamed place'),
    el('p', { class: 'resolved' }, 'Resolved as: ', resolvedAs(p)),
    el('p', { class: 'when' }, formatDate(p.date, p.date_precision),
      p.report_date && p.report_date !== p.date ? ` · reported ${formatDate(p.report_date)}` : ''),
    el('p', { class: 'what' },
      el('span', { class: `role role-${safeClass(p.role)}` }, p.role || 'unknown role'), ' · ',
      PRECISION[p.precision]?.label ?? `precision ${p.precision}`,
      typeof p.confidence === 'number' ? ` · confidence ${Math.round(p.confidence * 100)}%` : '',
      ...flags.flatMap((f) => [' ', f])),
    el('ul', { class: 'sources', 'aria-label': 'Sources' }, sources.map((s) => el('li', {},
      el('strong', {}, s.name || 'unknown source'), ` ${s.kind === 'claimant' ? '(claimant)' : '(outlet)'} ${stanceText(s)}`))),
    p.sentence ? el('blockquote', { class: 'sentence' }, highlight(p.sentence, p.place)) : null,
    el('p', { class: 'links' }, reportLink(p.report_id, 'Open report', embed),
      others.length ? ' · also in ' : '',
      others.flatMap((id, i) => [i ? ', ' : '', reportLink(id, `report ${id}`, embed)])));
}

// openIncident shows the popup of incident id, zooming into its cluster.
function openIncident(id) {
  const m = markersById.get(String(id));
  if (!m) return false;
  // The popup is bound to the group, so open it the way a click on the
  // marker would (Leaflet's openPopup on a group picks an arbitrary child).
  clusters.zoomToShowLayer(m, () => clusters.fire('click', { layer: m, latlng: m.getLatLng() }));
  return true;
}

function fitToData() {
  const b = clusters.getBounds();
  if (b.isValid()) map.fitBounds(b.pad(0.1), { animate: false, maxZoom: 9 });
}

// ---- loading --------------------------------------------------------------

let seq = 0;
let controller = null;
let pendingFit = false;

function setStatus(kind, text, extra = {}) {
  const s = $('status');
  s.dataset.state = kind;
  for (const [k, v] of Object.entries(extra)) s.dataset[k] = String(v);
  s.textContent = text;
}

function clearErrors() {
  for (const id of ['from', 'to']) {
    $(id).removeAttribute('aria-invalid');
    $(`${id}-error`).hidden = true;
  }
}

function showError(res) {
  const msg = res.data?.error ?? `HTTP ${res.status}`;
  const param = res.data?.param;
  if (param === 'from' || param === 'to') {
    $(param).setAttribute('aria-invalid', 'true');
    $(`${param}-error`).textContent = msg;
    $(`${param}-error`).hidden = false;
  }
  setStatus('error', `Could not load incidents: ${msg}`);
}

// refresh re-queries incidents, sources and the histogram for the state.
async function refresh({ fit = false } = {}) {
  const my = ++seq;
  clusterQuery = ''; // a move after this asks again, whatever it asked before
  controller?.abort();
  controller = new AbortController();
  const { signal } = controller;
  writeURL();
  setStatus('loading', 'Loading incidents…');
  clearErrors();
  loadSources(signal, my);
  loadHistogram(signal, my);
  if (state.sources && !state.sources.length) {
    render({ features: [] }, fit);
    return;
  }
  let res;
  performance.mark('im:query');
  try {
    // The server's clusters first: they say how many incidents match. Up
    // to FEATURE_LIMIT the map loads them all as GeoJSON and clusters them
    // itself (full popups, spiderfying); beyond, it draws the server's
    // clusters of the current view and re-asks on every move.
    const cl = await fetchJSON(`/api/clusters?${clusterParams()}`, { signal });
    if (my !== seq) return;
    if (cl.ok && cl.data.matched > FEATURE_LIMIT) {
      serverMode = true;
      // The empty markercluster group would still redo its clusters and
      // force a layout of the page on every zoom.
      clusters.clearLayers();
      map.removeLayer(clusters);
      renderServerClusters(cl.data, fit);
      return;
    }
    serverMode = false;
    serverLayer.clearLayers();
    res = await fetchJSON(`/api/incidents?limit=${FEATURE_LIMIT}&${apiParams(state)}`, { signal });
  } catch { return; } // aborted by a newer refresh
  if (my !== seq) return;
  if (!res.ok) {
    showError(res);
    return;
  }
  render(res.data, fit);
}

// ---- server-side clusters (large results) ---------------------------------

// FEATURE_LIMIT is the most incidents loaded as GeoJSON; above it the map
// shows /api/clusters (measured in docs/map-performance.md).
const FEATURE_LIMIT = 5000;
let serverMode = false;
// A feature group, not a layer group: only the former passes its markers' clicks on.
const serverLayer = L.featureGroup().addTo(map);
serverLayer.on('click', (e) => {
  const m = e.layer ?? e.propagatedFrom;
  if (!m?.clusterCount) return;
  if (map.getZoom() < map.getMaxZoom() - 1) map.setView(m.getLatLng(), Math.min(map.getZoom() + 2, map.getMaxZoom()));
  else openClusterList(m);
});

// CLUSTER_LIST_LIMIT is the most incidents a cluster's list shows.
const CLUSTER_LIST_LIMIT = 50;

// openClusterList opens a popup listing the incidents of a server cluster
// that zooming in no longer splits (often many reports geocoded to one
// town's point), each with a link to its report.
function openClusterList(m) {
  const c = map.latLngToContainerPoint(m.getLatLng());
  const r = 64; // the cluster grid's cell (clusterParams): its members lie within a cell of their mean
  const sw = map.containerPointToLatLng([c.x - r, c.y + r]);
  const ne = map.containerPointToLatLng([c.x + r, c.y - r]);
  const p = apiParams(state);
  p.set('bbox', [sw.lng, sw.lat, ne.lng, ne.lat].map((x) => x.toFixed(6)).join(','));
  p.set('limit', String(CLUSTER_LIST_LIMIT));
  const box = el('div', { class: 'popup cluster-list' }, 'Loading…');
  L.popup({ maxWidth: 360, minWidth: 240 }).setLatLng(m.getLatLng()).setContent(box).openOn(map);
  fetchJSON(`/api/incidents?${p}`).then((res) => {
    if (!res.ok) {
      box.replaceChildren(`Could not load these incidents: ${res.data?.error ?? res.status}`);
      return;
    }
    const fs = res.data.features ?? [];
    const n = res.data.numberMatched ?? fs.length;
    box.replaceChildren(
      el('h3', {}, `${n} incidents here`),
      el('ul', { class: 'incident-list' }, fs.map((f) => {
        const q = f.properties ?? {};
        return el('li', {}, `${formatDate(q.date, q.date_precision)} · ${q.place || q.name || 'place'} · ${q.source || ''} `,
          reportLink(q.report_id, 'report', embed));
      })),
      n > fs.length ? el('p', {}, `The first ${fs.length} shown; narrow the dates or sources to see the others.`) : '');
  });
}

// clusterParams returns the /api/clusters query for the current view.
function clusterParams() {
  const b = map.getBounds();
  let w = b.getWest();
  let e = b.getEast();
  if (e - w >= 360) {
    w = -180;
    e = 180;
  } else {
    const wrap = (x) => ((((x + 180) % 360) + 360) % 360) - 180;
    w = wrap(w);
    e = wrap(e);
    if (w > e) { w = -180; e = 180; } // across the antimeridian: ask for all
  }
  const s = Math.max(-85, b.getSouth());
  const n = Math.min(85, b.getNorth());
  const p = apiParams(state);
  p.set('z', String(Math.max(0, Math.round(map.getZoom()))));
  p.set('cell', '64');
  // Clusters at every zoom: listing every incident of a tile from zoom 10
  // on meant thousands of DOM markers (a second of layout at 100k); a
  // cluster that no zoom splits lists its incidents when clicked.
  p.set('cluster_zoom', String(map.getMaxZoom() + 1));
  p.set('bbox', [w, s, e, n].map((x) => x.toFixed(5)).join(','));
  return p;
}

// Server clusters are drawn on one canvas, not as DOM markers. A view holds
// up to ~300 of them; as DOM markers every zoom removed and re-created them
// all, and Chromium composited each as a layer of its own: measured on the
// 100k benchmark, that was most of a zoom's 150–350 ms. Lone incidents
// stay DOM markers (focusable, with popups).
// The colours of leaflet.markercluster's clusters, so both modes look alike.
const CLUSTER_COLOURS = {
  small: ['rgb(110,204,57)', 'rgb(181,226,140)'],
  medium: ['rgb(240,194,12)', 'rgb(241,211,87)'],
  large: ['rgb(241,128,23)', 'rgb(253,156,115)'],
};

// ClusterCircle is a circle marker that writes its count in its middle.
// It draws through the canvas renderer's own circle routine (a private
// Leaflet method, pinned by package-lock.json), then the text.
const ClusterCircle = L.CircleMarker.extend({
  _updatePath() {
    const r = this._renderer;
    r._updateCircle(this);
    if (!r._drawing || this._empty()) return;
    const ctx = r._ctx;
    ctx.fillStyle = '#222';
    ctx.font = 'bold 12px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(String(this.clusterCount), this._point.x, this._point.y);
  },
});

function clusterMarker(c) {
  const [fill, halo] = CLUSTER_COLOURS[c.count < 100 ? 'small' : c.count < 1000 ? 'medium' : 'large'];
  const m = new ClusterCircle([c.lat, c.lon], {
    renderer: canvasRenderer, radius: 15, weight: 10, color: halo, opacity: 0.6, fillColor: fill, fillOpacity: 0.75,
  });
  m.clusterCount = c.count;
  // A node, not a string: Leaflet sets a string tooltip as innerHTML, and
  // the outlet name is text from a report (a <meta http-equiv="refresh">
  // in one navigated the page away on hover). Built when first shown.
  m.bindTooltip(() => el('span', { class: 'cluster-tip' },
    `${c.count} incidents, ${c.date_min ?? ''}–${c.date_max ?? ''}, mostly ${c.source ?? 'unknown source'}`),
  { direction: 'top', offset: [0, -18] });
  return m;
}

// renderServerClusters draws /api/clusters' answer: a numbered circle per
// cluster (click to zoom in), and an ordinary marker per lone incident
// whose popup loads the full incident on demand.
function renderServerClusters(data, fit) {
  performance.mark('im:data');
  features = [];
  clusters.clearLayers();
  circles.clearLayers();
  markersById.clear();
  serverLayer.clearLayers();
  const layers = [];
  for (const c of data.clusters ?? []) layers.push(clusterMarker(c));
  for (const p of data.points ?? []) {
    const m = markerFor({ properties: { ...p, place: '' }, geometry: { coordinates: [p.lon, p.lat] } });
    m.bindPopup(() => {
      const box = el('div', { class: 'popup' }, 'Loading…');
      fetchJSON(`/api/incidents/${encodeURIComponent(p.id)}`).then((r) => {
        box.replaceWith(r.ok ? popupContent({ ...r.data.properties, id: r.data.properties?.id ?? p.id }) : el('p', {}, `Could not load incident ${p.id}`));
      });
      return box;
    }, { maxWidth: 340, minWidth: 220 });
    markersById.set(m.incidentId, m);
    layers.push(m);
  }
  for (const m of layers) serverLayer.addLayer(m);
  performance.mark('im:markers');
  const shown = (data.clusters ?? []).reduce((n, c) => n + c.count, 0) + (data.points ?? []).length;
  setStatus('ready', `${data.in_view} of ${data.matched} incidents in view, grouped on the server (zoom in for single incidents)`,
    { count: shown, matched: data.matched });
  updateLegend();
  performance.mark('im:ready');
  if (fit || !viewSettled) {
    const pts = layers.map((m) => m.getLatLng());
    viewSettled = true;
    if (pts.length) map.fitBounds(L.latLngBounds(pts).pad(0.1), { animate: false, maxZoom: 9 });
    storeView();
  }
}

// reloadServerClusters re-asks for the clusters of the view after a move,
// unless the last request was for this very view (sent on 'zoom', it is
// seen again on moveend).
let clusterQuery = '';
async function reloadServerClusters() {
  if (!serverMode) return;
  const q = clusterParams().toString();
  if (q === clusterQuery) return;
  clusterQuery = q;
  const my = ++seq;
  controller?.abort();
  controller = new AbortController();
  performance.mark('im:query');
  let cl;
  try {
    cl = await fetchJSON(`/api/clusters?${q}`, { signal: controller.signal });
  } catch {
    if (my === seq) clusterQuery = ''; // failed, not superseded: the next move retries
    return;
  }
  if (my !== seq) return;
  if (!cl.ok) {
    clusterQuery = '';
    return;
  }
  renderServerClusters(cl.data, false);
}

function render(fc, fit) {
  performance.mark('im:data');
  map.addLayer(clusters); // a no-op unless server mode took it off
  features = fc.features ?? [];
  icons.clear();
  clusters.clearLayers();
  circles.clearLayers();
  markersById.clear();
  const ms = features.filter((f) => f.geometry?.type === 'Point').map(markerFor);
  for (const m of ms) markersById.set(m.incidentId, m);
  performance.mark('im:markers');
  const matched = fc.numberMatched ?? features.length;
  pendingFit = fit || !viewSettled;
  setStatus('rendering', 'Drawing…', { count: ms.length, matched });
  clusters.addLayers(ms);
  updateLegend();
}

// renderDone runs when the cluster group has placed every marker.
function renderDone() {
  if (pendingFit) {
    pendingFit = false;
    fitToData();
    viewSettled = true;
    storeView();
  }
  const s = $('status');
  const n = Number(s.dataset.count);
  const matched = Number(s.dataset.matched);
  const text = n === 0 ? 'No incidents match these filters'
    : matched > n ? `Showing ${n} of ${matched} incidents (narrow the filters to see all)`
      : `${n} incident${n === 1 ? '' : 's'}`;
  setStatus('ready', text);
  performance.mark('im:ready');
  if (state.incident && !map._popup?.isOpen()) openIncident(state.incident);
}

async function loadSources(signal, my) {
  let res;
  try {
    res = await fetchJSON(`/api/sources?${apiParams(state, { omitSources: true })}`, { signal });
  } catch { return; }
  if (my !== seq) return;
  const err = $('source-error');
  err.hidden = res.ok;
  if (!res.ok) {
    err.textContent = `Sources unavailable: ${res.data?.error ?? res.status}`;
    return;
  }
  renderSources(res.data.sources ?? []);
}

let sourceNames = [];

function renderSources(list) {
  const ul = $('source-list');
  const rows = [...list];
  for (const name of state.sources ?? []) {
    if (!rows.some((s) => s.name === name)) rows.push({ name, kind: '', count: 0 });
  }
  sourceNames = rows.map((s) => s.name);
  ul.replaceChildren(...rows.map((s, i) => {
    const id = `source-${i}`;
    const box = el('input', { type: 'checkbox', id, 'data-name': s.name });
    box.checked = !state.sources || state.sources.includes(s.name);
    box.addEventListener('change', () => toggleSource(s.name, box.checked));
    const swatch = el('span', { class: 'swatch', 'aria-hidden': 'true' });
    swatch.style.setProperty('--c', sourceColour(s.name));
    return el('li', { 'data-name': s.name },
      box, el('label', { for: id }, swatch, el('span', { class: 'name' }, s.name),
        s.kind ? el('span', { class: `kind kind-${safeClass(s.kind)}` }, s.kind) : null,
        el('span', { class: 'count' }, String(s.count))));
  }));
  filterSourceList();
}

function filterSourceList() {
  const q = $('source-search').value.trim().toLowerCase();
  for (const li of $('source-list').children) li.hidden = q !== '' && !li.dataset.name.toLowerCase().includes(q);
}

function toggleSource(name, on) {
  let sel = state.sources ? [...state.sources] : [...sourceNames];
  sel = on ? [...new Set([...sel, name])] : sel.filter((n) => n !== name);
  state.sources = sourceNames.every((n) => sel.includes(n)) && sel.length === sourceNames.length ? null : sel;
  refresh();
}

// ---- histogram and play ---------------------------------------------------

const hist = new Histogram($('histogram'), {
  onBrush: (from, to) => {
    stopPlay();
    setDates(from, to);
  },
});

let histKey = '';

async function loadHistogram(signal, my) {
  const q = apiParams(state, { omitDates: true });
  // The histogram ignores the dates, so brushing and play reuse it.
  const key = `${state.interval}|${q}`;
  if (key === histKey) {
    hist.setSelection(state.from, state.to);
    return;
  }
  let interval = state.interval || 'month';
  let res;
  try {
    res = await fetchJSON(`/api/histogram?interval=${interval}&${q}`, { signal });
    if (res.ok && !state.interval && res.data.buckets?.length) {
      const b = res.data.buckets;
      const better = chooseInterval(b[0].date, b[b.length - 1].date);
      if (better !== interval) {
        interval = better;
        res = await fetchJSON(`/api/histogram?interval=${interval}&${q}`, { signal });
      }
    }
  } catch { return; }
  if (my !== seq) return;
  // The histogram endpoint is optional: without it the panel stays hidden.
  $('histogram-box').hidden = !res.ok;
  if (!res.ok) return;
  histKey = key;
  hist.setData(res.data.buckets ?? [], res.data.interval ?? interval);
  hist.setSelection(state.from, state.to);
}

let playTimer = null;

function stopPlay() {
  clearInterval(playTimer);
  playTimer = null;
  $('play').setAttribute('aria-pressed', 'false');
  $('play').textContent = '▶ Play';
}

// step selects the bucket after the current one-bucket selection (or the
// first bucket), so play walks through time one bucket at a time.
function step() {
  const b = hist.buckets;
  const cur = b.findIndex((x) => x.date === state.from && bucketEnd(x.date, hist.interval) === state.to);
  const k = cur >= 0 ? cur + 1 : Math.max(0, b.findIndex((x) => x.date >= state.from));
  if (!b.length || k >= b.length) {
    stopPlay();
    return;
  }
  setDates(b[k].date, bucketEnd(b[k].date, hist.interval));
}

// ---- controls -------------------------------------------------------------

function setDates(from, to) {
  state.from = from;
  state.to = to;
  $('from').value = from;
  $('to').value = to;
  hist.setSelection(from, to);
  refresh();
}

function syncControls() {
  $('from').value = state.from;
  $('to').value = state.to;
  $('source-kind').value = state.sourceKind;
  $('mentions').checked = state.mentions;
  $('max-precision').value = state.maxPrecision;
  $('disputed').value = state.disputed;
  $('colour').value = state.colour;
  $('interval').value = state.interval;
}

function updateLinks() {
  const full = document.getElementById('embed-full');
  if (full) {
    const qs = pageParams(state).toString();
    full.href = `/${qs ? `?${qs}` : ''}`;
  }
  const q = apiParams(state).toString();
  for (const fmt of ['geojson', 'csv', 'kml']) $(`export-${fmt}`).href = `/api/export?format=${fmt}${q ? `&${q}` : ''}`;
  $('export-api').href = `/api/incidents${q ? `?${q}` : ''}`;
  if ($('embed-dialog').open) updateEmbedCode();
}

function attrEscape(s) {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function updateEmbedCode() {
  const p = pageParams(state, { withIncident: false });
  p.delete('offline');
  const src = `${location.origin}/embed${p.toString() ? `?${p}` : ''}`;
  const w = Number($('embed-width').value) || 800;
  const h = Number($('embed-height').value) || 500;
  // textarea.value is text: the code is shown, never parsed as HTML.
  $('embed-code').value = `<iframe src="${attrEscape(src)}" width="${w}" height="${h}" title="incidentmap" loading="lazy" style="border:0"></iframe>`;
}

function storeView() {
  if (!viewSettled) return;
  const c = map.getCenter();
  state.view = { lat: c.lat, lon: c.wrap().lng, z: map.getZoom() };
  writeURL();
}

function wire() {
  const onDate = () => {
    stopPlay();
    state.from = $('from').value;
    state.to = $('to').value;
    hist.setSelection(state.from, state.to);
    refresh();
  };
  $('from').addEventListener('change', onDate);
  $('to').addEventListener('change', onDate);
  $('dates-clear').addEventListener('click', () => { stopPlay(); setDates('', ''); });
  $('source-search').addEventListener('input', filterSourceList);
  $('source-kind').addEventListener('change', (e) => { state.sourceKind = e.target.value; refresh(); });
  $('sources-all').addEventListener('click', () => { state.sources = null; refresh(); });
  $('sources-none').addEventListener('click', () => { state.sources = []; refresh(); });
  $('mentions').addEventListener('change', (e) => { state.mentions = e.target.checked; refresh(); });
  $('max-precision').addEventListener('change', (e) => { state.maxPrecision = e.target.value; refresh(); });
  $('disputed').addEventListener('change', (e) => { state.disputed = e.target.value; refresh(); });
  $('colour').addEventListener('change', (e) => {
    state.colour = e.target.value;
    if (serverMode) reloadServerClusters();
    else render({ features, numberMatched: Number($('status').dataset.matched) }, false);
    writeURL();
  });
  $('interval').addEventListener('change', (e) => { state.interval = e.target.value; refresh(); });
  $('fit').addEventListener('click', fitToData);
  $('play').addEventListener('click', () => {
    if (playTimer) return stopPlay();
    $('play').setAttribute('aria-pressed', 'true');
    $('play').textContent = '⏸ Pause';
    step();
    playTimer = setInterval(step, 1500);
    return undefined;
  });
  $('filters').addEventListener('submit', (e) => e.preventDefault());
  $('panel-toggle').addEventListener('click', () => {
    const open = document.body.classList.toggle('panel-open');
    $('panel-toggle').setAttribute('aria-expanded', String(open));
    setTimeout(() => map.invalidateSize(), 0);
  });
  $('embed-open').addEventListener('click', () => {
    updateEmbedCode();
    $('embed-dialog').showModal();
    $('embed-code').select();
  });
  $('embed-width').addEventListener('input', updateEmbedCode);
  $('embed-height').addEventListener('input', updateEmbedCode);
  $('embed-close').addEventListener('click', () => $('embed-dialog').close());
  $('embed-copy').addEventListener('click', async () => {
    $('embed-code').select();
    try {
      await navigator.clipboard.writeText($('embed-code').value);
      $('embed-copy').textContent = 'Copied';
    } catch {
      $('embed-copy').textContent = 'Press Ctrl+C to copy';
    }
  });
  map.on('moveend', storeView);
  map.on('moveend', () => { if (serverMode && viewSettled) reloadServerClusters(); });
}

// ---- legend ---------------------------------------------------------------

const legend = L.control({ position: 'bottomright' });
legend.onAdd = () => el('div', { class: 'legend', id: 'legend', role: 'region', 'aria-label': 'Legend' });
legend.addTo(map);
L.DomEvent.disableClickPropagation($('legend'));

function swatch(cls, colour) {
  const s = el('span', { class: cls, 'aria-hidden': 'true' });
  if (colour) s.style.setProperty('--c', colour);
  return s;
}

function updateLegend() {
  const items = [];
  if (state.colour === 'source') {
    const counts = new Map();
    for (const f of features) counts.set(f.properties.source, (counts.get(f.properties.source) ?? 0) + 1);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
    for (const [name] of top) items.push(el('li', {}, swatch('key im-marker', sourceColour(name)), name || 'unknown'));
    if (counts.size > top.length) items.push(el('li', {}, `… ${counts.size - top.length} more sources`));
  } else {
    items.push(el('li', {}, swatch('key im-marker', ROLE_COLOURS.incident), 'incident'));
    if (state.mentions) items.push(el('li', {}, swatch('key im-marker', ROLE_COLOURS.mention), 'place mentioned'));
  }
  items.push(
    el('li', {}, swatch('key im-marker disputed', '#777'), 'disputed (a source denies it)'),
    el('li', {}, swatch('key area', '#777'), 'near a place (~10 km) or province (~50 km)'),
    el('li', {}, swatch('key cluster'), 'group of incidents (click to zoom)'),
  );
  $('legend').replaceChildren();
  append($('legend'), el('h2', {}, 'Legend'), el('ul', {}, items),
    embed ? el('a', { href: `/?${pageParams(state)}`, target: '_blank', rel: 'noopener' }, 'Open full map') : null);
}

// A handle for the browser benchmark (static/test/bench.mjs) and for
// debugging from the console; nothing in the page depends on it.
window.incidentmap = { map, clusters, markersById, serverLayer };

// A private server's browser session (from its login page) can be ended
// here; the cookie is HttpOnly, so the server says whether there is one.
if (!embed) {
  fetchJSON('/api/session').then((r) => { if (r.ok && r.data.via === 'session') $('logout').hidden = false; }).catch(() => {});
}

syncControls();
wire();
if (!embed) initReview({ map, refresh });
refresh();
