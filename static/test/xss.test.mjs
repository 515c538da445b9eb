// xss.test.mjs: hostile text stays text in every view of the map. Usage:
//   INCIDENTMAP_TEST_TOKEN=... node static/test/xss.test.mjs http://127.0.0.1:PORT
// The server must hold what TestBrowserHostileText (cmd/incidentmap/
// xss_browser_test.go) loads: over 5,000 incidents (server clusters), a
// stack of incidents at Baku and a lone one at 48N 68E whose outlet,
// claimant, place, names, title, text and URL carry markup that makes
// elements of class "pwn" (a <meta http-equiv="refresh"> among them), and
// the posted report with <img src=x onerror=alert(1)> in its text.
//
// Each step opens a view, hovers or clicks what shows the text, checks the
// text is there as text, and fails on any element the markup would create,
// any javascript: link, any dialog, and any navigation away from the page
// (a sentinel set on window after the load must survive).
import {
  open, run, step, assert, check, baseURL, waitReady, waitMapIdle, serverClusters,
} from './lib.mjs';

const base = baseURL();
const token = process.env.INCIDENTMAP_TEST_TOKEN;
const IMG = '<img src=x onerror=alert(1)>';
const STACK = { lat: 40.40, lon: 49.87 };
const LONE = { lat: 48.00, lon: 68.00 };

async function getJSON(path) {
  const res = await fetch(`${base}${path}`);
  assert(res.ok, `GET ${path}: ${res.status}`);
  return res.json();
}

// injected lists what the markup would have made: elements of class pwn,
// refreshes, images from "x", scripts not served by us, on* handlers and
// javascript: links.
async function injected(page) {
  return page.evaluate(() => {
    const bad = [];
    const show = (n) => n.outerHTML.slice(0, 120);
    for (const n of document.querySelectorAll('.pwn, meta[http-equiv], img[src="x"]')) bad.push(show(n));
    for (const s of document.querySelectorAll('script')) if (!s.getAttribute('src')?.startsWith('/')) bad.push(show(s));
    for (const n of document.querySelectorAll('*')) {
      for (const a of n.getAttributeNames()) if (/^on/i.test(a)) bad.push(`<${n.tagName.toLowerCase()} ${a}>`);
    }
    for (const a of document.querySelectorAll('a[href]')) if (/^\s*javascript:/i.test(a.getAttribute('href'))) bad.push(show(a));
    return bad;
  });
}

// visit opens path, waits for the page to be ready and marks the window,
// so that clean() can tell the page never navigated (a refresh to the
// same URL too).
async function visit(page, path, ready = waitReady) {
  await page.goto(`${base}${path}`);
  await ready(page, 30000);
  await page.evaluate(() => { window.xssSentinel = true; });
}

// navigations lists the main frame's navigations away from the server
// (set up in run).
const navigations = [];

async function clean(page, where) {
  // A refresh of 0 s, or a handler that slipped through, fires within a
  // task or two; give it time.
  await page.waitForTimeout(500);
  assert(navigations.length === 0, `${where}: the page navigated to ${navigations.join(', ')}`);
  const alive = await page.evaluate(() => window.xssSentinel === true).catch(() => false);
  assert(alive && page.url().startsWith(base), `${where}: the page navigated away (now at ${page.url()})`);
  const bad = await injected(page);
  assert(bad.length === 0, `${where}: elements made from hostile text: ${bad.join(', ')}`);
}

// pagePoint returns where lat, lon is drawn on the page.
async function pagePoint(page, { lat, lon }) {
  return page.evaluate(([la, lo]) => {
    const { map } = window.incidentmap;
    const p = map.latLngToContainerPoint([la, lo]);
    const r = map.getContainer().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, [lat, lon]);
}

// clusterAt returns the server cluster drawn nearest lat, lon. At low
// zooms a cluster there may hold a few generated incidents too, which move
// its centre a little.
async function clusterAt(page, ll) {
  const pt = await pagePoint(page, ll);
  let best = null;
  for (const c of await serverClusters(page)) {
    const d = Math.hypot(c.x - pt.x, c.y - pt.y);
    if (!best || d < best.d) best = { ...c, d };
  }
  assert(best && best.d < 40, `no server cluster drawn at ${ll.lat}, ${ll.lon}: ${JSON.stringify(best)}`);
  return best;
}

async function assertServerMode(page, where, want) {
  const text = await page.textContent('#status');
  assert(/grouped on the server/.test(text) === want, `${where}: status "${text}": want ${want ? 'server' : 'browser'} clusters`);
}

// hoverStack hovers the hostile stack's server cluster and checks its
// tooltip names the hostile outlet as text.
async function hoverStack(page, where, outlet) {
  const tip = page.locator('.leaflet-tooltip');
  let c;
  // The clusters may be redrawn just after the first view settles (a
  // re-query on moveend), which drops a tooltip opened on the old ones:
  // hover again until one shows.
  for (let i = 0; i < 5; i += 1) {
    await waitMapIdle(page);
    c = await clusterAt(page, STACK);
    await page.mouse.move(c.x - 40, c.y - 40);
    await page.mouse.move(c.x, c.y, { steps: 4 });
    if (await tip.first().waitFor({ timeout: 1500 }).then(() => true, () => false)) break;
    if (navigations.length) break;
  }
  await clean(page, `${where}: tooltip of the stacked cluster`);
  const text = await tip.first().textContent({ timeout: 1000 }).catch(() => '');
  assert(text.includes(`mostly ${outlet}`), `${where}: tooltip "${text}", want it to end "mostly ${outlet}"`);
  assert(text.startsWith(`${c.count} incidents`), `${where}: tooltip "${text}" does not start with the count ${c.count}`);
  await page.mouse.move(5, 5);
}

// checkPopup checks the open popup of incident f shows its text as text.
async function checkPopup(page, where, f) {
  const p = f.properties;
  const popup = page.locator(`.leaflet-popup-content .popup[data-incident="${p.id}"]`);
  await popup.locator('.sentence').waitFor({ timeout: 10000 });
  await clean(page, `${where}: popup of incident ${p.id}`);
  const got = await popup.evaluate((b) => ({
    place: b.querySelector('.place')?.textContent,
    resolved: b.querySelector('.resolved')?.textContent,
    sources: [...b.querySelectorAll('.sources strong')].map((s) => s.textContent),
    sentence: b.querySelector('.sentence')?.textContent,
  }));
  assert(got.place === p.place, `${where}: popup place ${JSON.stringify(got.place)}, want ${JSON.stringify(p.place)}`);
  assert(got.sentence === p.sentence, `${where}: popup sentence ${JSON.stringify(got.sentence)}, want ${JSON.stringify(p.sentence)}`);
  if (p.name) assert(got.resolved.includes(p.name), `${where}: popup "${got.resolved}" lacks the name ${p.name}`);
  for (const s of p.sources ?? []) assert(got.sources.includes(s.name), `${where}: popup sources ${JSON.stringify(got.sources)} lack ${s.name}`);
}

run('xss', async () => {
  assert(token, 'INCIDENTMAP_TEST_TOKEN must hold the server\'s write token (the review panel)');
  const { sources } = await getJSON('/api/sources');
  const outlet = sources.find((s) => s.kind === 'outlet' && s.name.startsWith('Hostile Outlet'))?.name;
  const claimant = sources.find((s) => s.kind === 'claimant' && s.name.startsWith('Hostile Claimant'))?.name;
  assert(outlet && claimant, `the hostile outlet and claimant are not in /api/sources: ${JSON.stringify(sources.map((s) => s.name))}`);
  const mine = await getJSON(`/api/incidents?source=${encodeURIComponent(outlet)}&limit=100`);
  const lone = mine.features.find((f) => Math.abs(f.geometry.coordinates[1] - LONE.lat) < 1e-6);
  const stacked = mine.features.filter((f) => Math.abs(f.geometry.coordinates[1] - STACK.lat) < 1e-6);
  assert(lone && stacked.length > 1, `want a lone and stacked hostile incidents, have ${mine.features.length}`);
  const all = await getJSON('/api/incidents?role=incident&role=mention&limit=10000');
  const posted = all.features.find((f) => f.properties.sentence?.includes(IMG));
  assert(posted, `no incident has a sentence containing ${IMG}: was the hostile report posted?`);
  const sourceQ = `source=${encodeURIComponent(outlet)}`;

  const { browser, page, problems } = await open();
  page.on('framenavigated', (fr) => {
    if (fr === page.mainFrame() && !fr.url().startsWith(base)) navigations.push(fr.url());
  });
  try {
    step('server clusters on the map: the stacked cluster\'s tooltip');
    await visit(page, '/?offline=1');
    await assertServerMode(page, 'map', true);
    await hoverStack(page, 'map', outlet);

    step('server clusters: the source list');
    // The list fills from /api/sources, which on a loaded machine waits
    // for the point index: wait for it (then check), do not race it.
    await page.waitForFunction((want) => {
      const names = [...document.querySelectorAll('#source-list li .name')].map((n) => n.textContent);
      return want.every((w) => names.includes(w));
    }, [outlet, claimant, posted.properties.source], { timeout: 20000 }).catch(() => {});
    const listed = await page.evaluate(() => [...document.querySelectorAll('#source-list li .name')].map((n) => n.textContent));
    for (const name of [outlet, claimant, posted.properties.source]) {
      assert(listed.includes(name), `the source list lacks ${JSON.stringify(name)} as text`);
    }
    await page.fill('#source-search', 'Hostile');
    await clean(page, 'source list search');

    step('server clusters: the popup of a lone incident, loaded when clicked');
    await visit(page, `/?offline=1&lat=${LONE.lat}&lon=${LONE.lon}&z=8`);
    await assertServerMode(page, 'lone incident', true);
    await waitMapIdle(page);
    const icon = await page.evaluate((id) => {
      const r = window.incidentmap.markersById.get(String(id))?.getElement()?.getBoundingClientRect();
      return r && { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    }, lone.properties.id);
    assert(icon, `incident ${lone.properties.id} is not a single marker at zoom 8`);
    await page.mouse.click(icon.x, icon.y);
    await checkPopup(page, 'server mode', lone);

    step('server clusters: the list of a stacked cluster no zoom splits');
    await visit(page, `/?offline=1&lat=${STACK.lat}&lon=${STACK.lon}&z=17`);
    await waitMapIdle(page);
    const c = await clusterAt(page, STACK);
    await page.mouse.click(c.x, c.y);
    const list = page.locator('.leaflet-popup-content .cluster-list');
    await list.locator('li').first().waitFor({ timeout: 10000 });
    await clean(page, 'cluster list');
    const items = await list.locator('li').allTextContents();
    assert(items.length === stacked.length, `${items.length} incidents listed, want ${stacked.length}`);
    assert(items.every((t) => t.includes(stacked[0].properties.place) && t.includes(outlet)), `cluster list items lack the place or outlet as text: ${items[0]}`);

    step('review panel: the queue and a hostile place\'s detail');
    await visit(page, '/?offline=1');
    await page.click('#review-open');
    await page.fill('#review-token', token);
    await page.click('#review-unlock');
    const item = page.locator(`#review-queue button[data-id="${stacked[0].properties.id}"]`);
    await item.waitFor({ timeout: 10000 });
    await clean(page, 'review queue');
    assert((await item.locator('strong').textContent()) === stacked[0].properties.place, 'the review queue does not show the place as text');
    await item.click();
    await page.waitForSelector('#review-detail:not([hidden])');
    await page.locator('#review-candidates li strong').first().waitFor();
    await clean(page, 'review detail');
    const detail = await page.evaluate(() => ({
      place: document.getElementById('review-place').textContent,
      resolved: document.getElementById('review-resolved').textContent,
      sentence: document.getElementById('review-sentence').textContent,
      candidate: document.querySelector('#review-candidates li strong')?.textContent,
    }));
    const sp = stacked[0].properties;
    assert(detail.place === sp.place && detail.sentence === sp.sentence, `review detail ${JSON.stringify(detail)}`);
    if (sp.geonameid) assert(detail.resolved.includes(sp.name), `review detail "${detail.resolved}" lacks the name`);
    assert(detail.candidate === sp.candidates[0].name, `review candidate ${JSON.stringify(detail.candidate)}, want ${JSON.stringify(sp.candidates[0].name)}`);
    await page.click('#review-close');

    step('browser clusters (a source filter): popup, legend by source, embed dialog');
    await visit(page, `/?offline=1&mentions=1&colour=source&${sourceQ}&incident=${lone.properties.id}`);
    await assertServerMode(page, 'filtered map', false);
    await checkPopup(page, 'browser mode', lone);
    const legend = await page.locator('#legend li').allTextContents();
    assert(legend.includes(outlet), `the legend lacks the outlet as text: ${JSON.stringify(legend)}`);
    await page.click('#embed-open');
    await page.waitForSelector('#embed-dialog[open]');
    await clean(page, 'embed dialog');
    const code = await page.inputValue('#embed-code');
    assert(/^<iframe src="[^"<>]*" width=/.test(code), `embed code ${code}: the URL is not one escaped attribute`);
    await page.click('#embed-close');

    step('browser clusters: a stacked incident, spiderfied');
    await visit(page, `/?offline=1&${sourceQ}&incident=${stacked[1].properties.id}`);
    await checkPopup(page, 'spiderfied stack', stacked[1]);

    step('the posted report\'s popup');
    // Filtered to its source: incident= opens a popup in the browser's clusters only.
    await visit(page, `/?offline=1&mentions=1&source=${encodeURIComponent(posted.properties.source)}&incident=${posted.properties.id}`);
    await checkPopup(page, 'posted report', posted);
    assert((await page.locator('.leaflet-popup-content .sentence').textContent()).includes(IMG), `popup does not show ${IMG} as text`);

    step('/embed with server clusters: the stacked cluster\'s tooltip');
    await visit(page, '/embed?offline=1');
    await assertServerMode(page, 'embed', true);
    await hoverStack(page, 'embed', outlet);

    step('/embed with browser clusters: popup and legend');
    await visit(page, `/embed?offline=1&colour=source&${sourceQ}&incident=${lone.properties.id}`);
    await assertServerMode(page, 'filtered embed', false);
    await checkPopup(page, 'embed', lone);
    const embedLegend = await page.locator('#legend li').allTextContents();
    assert(embedLegend.includes(outlet), `the embed's legend lacks the outlet as text: ${JSON.stringify(embedLegend)}`);

    for (const f of [lone, posted]) {
      const p = f.properties;
      step(`report view /reports/${p.report_id}`);
      const r = await getJSON(`/api/reports/${p.report_id}`);
      await visit(page, `/reports/${p.report_id}?offline=1`);
      await clean(page, `report ${p.report_id}`);
      const view = await page.evaluate(() => ({
        title: document.getElementById('report-title').textContent,
        meta: document.getElementById('report-meta').textContent,
        text: document.getElementById('report-text').textContent,
        places: document.getElementById('places').textContent,
        marks: document.querySelectorAll('#report-text mark').length,
      }));
      assert(view.title === r.title, `report title ${JSON.stringify(view.title)}, want ${JSON.stringify(r.title)}`);
      assert(view.meta.includes(r.source), `report meta "${view.meta}" lacks the source ${r.source}`);
      assert(view.text === r.text, 'the report text is not shown as text');
      assert(view.marks >= 1, 'the report view highlights no place');
      for (const pl of r.places) {
        for (const s of [pl.place, pl.name, pl.admin1, ...(pl.candidates ?? []).map((x) => x.name)].filter(Boolean)) {
          assert(view.places.includes(s), `the places list lacks ${JSON.stringify(s)} as text`);
        }
      }
      if (/^javascript:/.test(r.url ?? '')) assert(view.meta.includes(r.url), 'a javascript: URL is not shown as text');
      // A place on the map (the view draws no marker for an unresolved one at 0, 0).
      const i = r.places.findIndex((pl) => typeof pl.lat === 'number' && (pl.geonameid || pl.lat || pl.lon));
      assert(i >= 0, `report ${p.report_id} has no place on its map`);
      await page.click(`#place-${i} button`);
      await page.locator('.leaflet-popup-content .popup').waitFor({ timeout: 5000 });
      await clean(page, `report ${p.report_id}: map popup`);
      const pop = await page.textContent('.leaflet-popup-content .popup h3');
      assert(pop === (r.places[i].place || r.places[i].name), `report map popup ${JSON.stringify(pop)}`);
    }
    check(problems);
  } finally {
    await browser.close();
  }
});
