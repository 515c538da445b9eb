// common.js: helpers shared by the map (app.js) and the report view
// (report.js). Every user-supplied string goes into the DOM through
// createTextNode/textContent (via el); nothing here parses HTML.
/* global L, topojson */

// el creates an element. attrs keys are attributes, except "class", "text"
// (textContent) and "on" ({event: handler}). Children may be nodes or
// strings; strings become text nodes.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = String(v);
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  append(node, ...children);
  return node;
}

// append adds children (nodes, strings, arrays, or null) to parent.
export function append(parent, ...children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return parent;
}

// highlight returns a fragment with sentence as text and the first
// occurrence of place wrapped in <mark>; the match is case-insensitive
// because the API's place is as written but sentences may be normalised.
export function highlight(sentence, place, markClass = '') {
  const frag = document.createDocumentFragment();
  const s = String(sentence ?? '');
  const p = String(place ?? '');
  let i = p ? s.indexOf(p) : -1;
  if (i < 0 && p) i = s.toLowerCase().indexOf(p.toLowerCase());
  if (i < 0) {
    frag.appendChild(document.createTextNode(s));
    return frag;
  }
  append(frag, s.slice(0, i), el('mark', { class: markClass }, s.slice(i, i + p.length)), s.slice(i + p.length));
  return frag;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July',
  'August', 'September', 'October', 'November', 'December'];

// formatDate renders a YYYY-MM-DD date at its precision (1 day, 2 week,
// 3 month), so an approximate date never reads as an exact one.
export function formatDate(date, precision = 1) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(date ?? ''));
  if (!m) return String(date ?? 'unknown date');
  const [, y, mo, d] = m;
  const month = MONTHS[Number(mo) - 1] ?? mo;
  if (precision === 3) return `${month} ${y} (month known)`;
  const day = `${Number(d)} ${month} ${y}`;
  if (precision === 2) return `week of ${day} (week known)`;
  return day;
}

// PRECISION describes the geographic precision codes (ACLED's geo_precision).
export const PRECISION = {
  1: { label: 'exact place', radius: 0 },
  2: { label: 'near the place or part of a region (~10 km)', radius: 10000 },
  3: { label: 'province only (~50 km)', radius: 50000 },
};

// ROLE_COLOURS are the marker colours per role; CSS uses the same values.
export const ROLE_COLOURS = { incident: '#c62828', mention: '#1565c0' };

const PALETTE = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e',
  '#e6ab02', '#a6761d', '#1f78b4', '#b15928', '#6a3d9a'];

// sourceColour maps a source name to a stable palette colour.
export function sourceColour(name) {
  let h = 0;
  for (const ch of String(name ?? '')) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

// safeURL returns u if it is an absolute http(s) URL, else null, so a
// report's url can never become a javascript: link.
export function safeURL(u) {
  try {
    const url = new URL(String(u));
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

// fetchJSON fetches url and returns {ok, status, data}; network failures
// come back as status 0 rather than throwing.
export async function fetchJSON(url, opts = {}) {
  let res;
  try {
    res = await fetch(url, { headers: { Accept: 'application/json' }, ...opts });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    return { ok: false, status: 0, data: { error: `network error: ${err.message}` } };
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = { error: `${res.status} ${res.statusText}` };
  }
  return { ok: res.ok, status: res.status, data };
}

// isOffline reports whether the page was asked to make no requests beyond
// its own server (?offline=1).
export function isOffline(params = new URLSearchParams(location.search)) {
  const v = params.get('offline');
  return v !== null && v !== '0' && v !== 'false';
}

// countriesLayer draws the world-atlas country shapes as an offline base:
// land polygons with borders, on a sea-coloured map background.
function countriesLayer() {
  const renderer = L.canvas({ padding: 0.5 });
  const layer = L.geoJSON(null, {
    renderer,
    interactive: false,
    style: { color: '#9a8f7c', weight: 0.8, fillColor: '#f4f1e8', fillOpacity: 1 },
    attribution: 'Natural Earth via world-atlas',
  });
  let loaded = false;
  layer.on('add', () => {
    layer._map.getContainer().classList.add('base-sea');
    if (loaded) return;
    loaded = true;
    fetch('/vendor/countries-50m.json')
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`countries: ${r.status}`))))
      .then((topo) => layer.addData(topojson.feature(topo, topo.objects.countries)))
      .catch((err) => console.warn('offline base map unavailable:', err.message));
  });
  layer.on('remove', () => layer._map?.getContainer().classList.remove('base-sea'));
  return layer;
}

// flatTiles positions each tile of layer with a 2D translate instead of
// Leaflet's translate3d. A 3D transform makes Chromium composite every tile
// as a layer of its own; without a GPU (software compositing) a zoom that
// brings in 20 tiles then redraws ~20 layers on each of a dozen frames while
// they arrive. With a 2D translate the tiles are painted into their level's
// layer, which Leaflet still moves and scales as one (panning, zoom
// animation). In A/B runs of bench-server.mjs on fresh servers with a
// core kept busy, the worst zoom re-render fell from 207–444 ms to
// 166–248 ms. Leaflet positions a tile once, before tileloadstart.
function flatTiles(layer) {
  layer.on('tileloadstart', ({ tile }) => {
    tile.style.transform = tile.style.transform.replace(/translate3d\(([^,]+),([^,]+),[^)]*\)/, 'translate($1,$2)');
  });
  return layer;
}

// escapeHTML makes s safe where Leaflet expects HTML (attributions).
function escapeHTML(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// BASES lists the base layers in the layer control, first online then
// offline. To add a base, add one line here; "online" ones are skipped
// when the page is offline.
export const BASES = [
  { id: 'osm', name: 'OpenStreetMap', online: true, make: () => flatTiles(L.tileLayer('https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png', { maxZoom: 19, attribution: '&copy; OpenStreetMap contributors' })) },
  // Raster tiles the server draws from Natural Earth (tiles.BaseMap): the
  // default offline base. {r} asks for @2x tiles on high-density screens.
  { id: 'natural-earth', name: 'Natural Earth (offline)', online: false, make: () => flatTiles(L.tileLayer('/tiles/base/{z}/{x}/{y}{r}.png', { maxZoom: 18, maxNativeZoom: 12, attribution: '&copy; Natural Earth' })) },
  { id: 'countries', name: 'Countries (offline, vector)', online: false, make: countriesLayer },
  // The server's --basemap MBTiles file, listed only when the server has
  // one (raster formats; /tiles/basemap.json answers 204 otherwise).
  { id: 'basemap', name: 'Base map file (offline)', online: false, probe: '/tiles/basemap.json', make: (doc) => flatTiles(L.tileLayer(doc.tiles[0], { maxZoom: 18, maxNativeZoom: doc.maxzoom ?? 18, attribution: escapeHTML(doc.attribution ?? '') })) },
];

// addBaseLayers adds the base-layer control to map and shows the wanted
// base (or the first usable one). When OSM tiles fail before any loads,
// it falls back to the first offline base. onChange(id, {auto}) is called
// whenever the base changes; auto is true for the fallback. Returns
// {control, layers} for more overlays.
export function addBaseLayers(map, { wanted = '', offline = false, onChange = () => {} } = {}) {
  const probed = BASES.filter((b) => b.probe);
  const usable = BASES.filter((b) => !(offline && b.online) && !b.probe);
  const layers = {};
  const byName = {};
  for (const b of usable) {
    layers[b.id] = b.make();
    byName[b.name] = layers[b.id];
  }
  const fallback = usable.find((b) => !b.online);
  const first = usable.find((b) => b.id === wanted) ?? usable[0];
  const control = L.control.layers(byName, {}, { collapsed: true }).addTo(map);
  let auto = false; // true while falling back, which is not a user choice
  for (const b of usable.filter((x) => x.online)) {
    let loadedOne = false;
    let errors = 0;
    layers[b.id].on('tileload', () => { loadedOne = true; });
    layers[b.id].on('tileerror', () => {
      errors += 1;
      if (!loadedOne && errors >= 2 && fallback && map.hasLayer(layers[b.id])) {
        auto = true;
        map.removeLayer(layers[b.id]);
        map.addLayer(layers[fallback.id]);
        auto = false;
      }
    });
  }
  // Leaflet fires baselayerchange for programmatic switches too; auto
  // tells the fallback apart from a user's choice.
  map.on('baselayerchange', (e) => {
    const id = Object.keys(layers).find((k) => layers[k] === e.layer);
    if (id) onChange(id, { auto });
  });
  layers[first.id].addTo(map);
  for (const b of probed) {
    fetch(b.probe).then((r) => (r.status === 200 ? r.json() : null)).then((doc) => {
      if (!doc || !Array.isArray(doc.tiles) || !/^(png|jpg|jpeg|webp)$/.test(doc.format ?? '')) return;
      layers[b.id] = b.make(doc);
      // Leaflet writes layer names as HTML: the file's own name stays out.
      control.addBaseLayer(layers[b.id], b.name);
      if (wanted === b.id) {
        for (const l of Object.values(layers)) if (map.hasLayer(l)) map.removeLayer(l);
        layers[b.id].addTo(map);
      }
    }).catch(() => {});
  }
  return { control, layers };
}

// reportLink builds a link to a report view; in embeds it opens a new tab.
// An offline page links offline, so following a link never reaches the
// internet.
export function reportLink(id, text, newTab = false) {
  const q = isOffline() ? '?offline=1' : '';
  return el('a', { href: `/reports/${encodeURIComponent(id)}${q}`, target: newTab ? '_blank' : null, rel: newTab ? 'noopener' : null }, text);
}
