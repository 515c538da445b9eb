// report.js: the report view at /reports/{id}. It shows the report text
// with every recognised place highlighted (by role), each place's
// resolution and runner-up candidates, and a small map of the places.
// Report text is user-supplied: it is only ever inserted as text nodes.
/* global L */
import {
  el, formatDate, PRECISION, fetchJSON, isOffline, addBaseLayers, safeURL,
} from './common.js';

const $ = (id) => document.getElementById(id);
const offline = isOffline();

function setStatus(kind, text) {
  $('status').dataset.state = kind;
  $('status').textContent = text;
}

function reportID() {
  const m = /\/reports\/(\d+)\/?$/.exec(location.pathname);
  return m ? m[1] : new URLSearchParams(location.search).get('id');
}

function safeClass(s) {
  return String(s ?? '').replace(/[^a-z0-9-]/gi, '');
}

function placeClass(p) {
  return `role-${safeClass(p.role)}${p.geonameid ? '' : ' unresolved'}`;
}

// renderText splits text by code points (the API's offsets are code
// points) and wraps each place span in a <mark>; overlapping spans after
// the first are skipped.
function renderText(text, places, onSelect) {
  const cps = Array.from(text ?? '');
  const order = places.map((p, i) => ({ p, i }))
    .filter(({ p }) => Number.isInteger(p.start) && Number.isInteger(p.end) && p.start < p.end && p.end <= cps.length)
    .sort((a, b) => a.p.start - b.p.start);
  const out = $('report-text');
  out.replaceChildren();
  let at = 0;
  for (const { p, i } of order) {
    if (p.start < at) continue;
    out.append(document.createTextNode(cps.slice(at, p.start).join('')));
    const mark = el('mark', {
      class: placeClass(p), id: `mark-${i}`, tabindex: '0', role: 'button',
      title: `${p.role || 'place'}: ${p.name || 'not resolved'}`,
    }, cps.slice(p.start, p.end).join(''));
    mark.addEventListener('click', () => onSelect(i));
    mark.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onSelect(i);
      }
    });
    out.append(mark);
    at = p.end;
  }
  out.append(document.createTextNode(cps.slice(at).join('')));
}

function resolution(p) {
  if (!p.geonameid && !p.name) return 'not found in the gazetteer';
  return [p.name, p.admin1, p.country].filter(Boolean).join(', ') + (p.geonameid ? ` (GeoNames ${p.geonameid})` : '');
}

function candidatesTable(cands) {
  if (!cands?.length) return null;
  const head = el('tr', {}, ['Runner-up', 'Region', 'Code', 'Population', 'Score'].map((h) => el('th', { scope: 'col' }, h)));
  const rows = cands.map((c) => el('tr', {},
    el('td', {}, c.name ?? ''),
    el('td', {}, [c.admin1, c.country].filter(Boolean).join(', ')),
    el('td', {}, c.fcode ?? ''),
    el('td', {}, c.population ? Number(c.population).toLocaleString('en') : ''),
    el('td', {}, typeof c.score === 'number' ? c.score.toFixed(2) : '')));
  return el('table', {}, el('caption', { class: 'hint' }, 'Other candidates considered'), el('thead', {}, head), el('tbody', {}, rows));
}

function placeItem(p, i, onSelect) {
  const button = el('button', { type: 'button', class: `link ${placeClass(p)}` }, p.place || p.name || 'place');
  button.addEventListener('click', () => onSelect(i));
  return el('li', { id: `place-${i}`, 'data-index': i },
    button, ' → ', resolution(p),
    el('div', { class: 'hint' },
      el('span', { class: `role role-${safeClass(p.role)}` }, p.role || 'unknown role'),
      ` · ${PRECISION[p.precision]?.label ?? `precision ${p.precision}`}`,
      typeof p.confidence === 'number' ? ` · confidence ${Math.round(p.confidence * 100)}%` : '',
      p.date ? ` · ${formatDate(p.date, p.date_precision)}` : '',
      p.disputed ? ' · disputed' : '', p.needs_review ? ' · needs review' : ''),
    candidatesTable(p.candidates));
}

async function main() {
  const id = reportID();
  $('back').href = offline ? '/?offline=1' : '/';
  if (!id) {
    setStatus('error', 'No report id in the address.');
    return;
  }
  const res = await fetchJSON(`/api/reports/${encodeURIComponent(id)}`);
  if (!res.ok) {
    setStatus('error', res.status === 404 ? `Report ${id} not found.` : `Could not load report ${id}: ${res.data?.error ?? res.status}`);
    return;
  }
  const r = res.data;
  const places = r.places ?? [];
  $('report-title').textContent = r.title || `Report ${r.id}`;
  document.title = `${r.title || `Report ${r.id}`} · incidentmap`;
  const url = safeURL(r.url);
  $('report-meta').replaceChildren(
    r.published ? `Published ${formatDate(r.published)}` : 'Undated',
    r.source ? ` by ${r.source}` : '',
    url ? ' · ' : '', url ? el('a', { href: url, rel: 'noopener noreferrer', target: '_blank' }, 'original') : '',
    r.url && !url ? ` · ${r.url}` : '');

  const map = L.map('report-map', { keyboard: true, maxZoom: 18 });
  map.setView([25, 20], 2);
  addBaseLayers(map, { offline });
  const markers = [];
  for (const [i, p] of places.entries()) {
    if (typeof p.lat !== 'number' || typeof p.lon !== 'number' || (!p.geonameid && p.lat === 0 && p.lon === 0)) continue;
    const icon = L.divIcon({ className: `im-marker ${placeClass(p)}`, iconSize: [14, 14], html: '' });
    const m = L.marker([p.lat, p.lon], { icon, title: p.place || p.name, alt: p.place || p.name, keyboard: true });
    m.bindPopup(() => el('div', { class: 'popup' }, el('h3', {}, p.place || p.name || 'place'), el('p', {}, resolution(p))));
    m.on('click', () => select(i, false));
    m.addTo(map);
    const r = PRECISION[p.precision]?.radius;
    if (r) L.circle([p.lat, p.lon], { radius: r, interactive: false, weight: 1, fillOpacity: 0.12, className: `area ${placeClass(p)}` }).addTo(map);
    markers[i] = m;
  }
  const group = L.featureGroup(markers.filter(Boolean));
  if (group.getLayers().length) map.fitBounds(group.getBounds().pad(0.3), { maxZoom: 9, animate: false });

  function select(i, pan = true) {
    for (const n of document.querySelectorAll('.current')) n.classList.remove('current');
    $(`mark-${i}`)?.classList.add('current');
    $(`place-${i}`)?.classList.add('current');
    $(`place-${i}`)?.scrollIntoView({ block: 'nearest' });
    const m = markers[i];
    if (m && pan) {
      map.panTo(m.getLatLng());
      m.openPopup();
    }
  }

  renderText(r.text, places, select);
  $('places').replaceChildren(...places.map((p, i) => placeItem(p, i, select)));
  setStatus('ready', `${places.length} place${places.length === 1 ? '' : 's'} found`);
}

main().catch((err) => {
  setStatus('error', `Could not show the report: ${err.message}`);
  throw err;
});
