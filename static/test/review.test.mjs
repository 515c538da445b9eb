// review.test.mjs: an analyst fixes "Abu Sharja" (which the geoparser
// could not place) by clicking the map in the review panel; the marker
// moves, the fix survives a reload, and a report ingested afterwards that
// names Abu Sharja lands on the corrected point (the stored place rule).
// Usage: INCIDENTMAP_TEST_TOKEN=... node static/test/review.test.mjs http://127.0.0.1:PORT
// The server must hold seed report 002 (which names Abu Sharja).
import { open, run, step, assert, check, baseURL, waitReady } from './lib.mjs';

const base = baseURL();
const token = process.env.INCIDENTMAP_TEST_TOKEN;
const target = { lat: 35.70, lon: 37.10 }; // the analyst's point

// Written for this test: a later report naming the same village.
const laterReport = {
  title: 'Review test: a later report',
  published: '2019-02-02',
  source: 'Review Test Wire',
  text: 'Artillery shells fell on farmland near Abu Sharja in Idlib province on Saturday, according to local residents. '
    + 'No casualties were reported in Abu Sharja.',
};

const close = (a, b, eps) => Math.abs(a - b) < eps;

async function markerAt(page, id) {
  return page.evaluate((i) => {
    const m = window.incidentmap.markersById.get(String(i));
    if (!m) return null;
    const ll = m.getLatLng();
    return { lat: ll.lat, lon: ll.lng };
  }, id);
}

run('review', async () => {
  assert(token, 'INCIDENTMAP_TEST_TOKEN must hold the server\'s write token');
  const queue = await (await fetch(`${base}/api/review?limit=100`)).json();
  const todo = queue.features.find((f) => f.properties.place === 'Abu Sharja' && f.properties.needs_review);
  assert(todo, 'no unresolved "Abu Sharja" in the review queue: is seed 002 ingested?');
  const id = todo.properties.id;
  step(`Abu Sharja is incident ${id} at ${todo.geometry.coordinates} (needs review)`);

  const { browser, page, problems } = await open();
  try {
    await page.goto(`${base}/?offline=1`);
    await waitReady(page);

    step('open the review panel and enter the token');
    await page.click('#review-open');
    await page.fill('#review-token', token);
    await page.click('#review-unlock');
    const item = page.locator(`#review-queue button[data-id="${id}"]`);
    await item.waitFor();
    const stored = await page.evaluate(() => sessionStorage.getItem('incidentmap.token'));
    assert(stored === token, 'the token is not kept in sessionStorage');

    step('select Abu Sharja and click the map near 35.70N 37.10E');
    await item.click();
    await page.waitForSelector('#review-detail:not([hidden])');
    assert((await page.textContent('#review-place')) === 'Abu Sharja', 'the detail shows another place');
    await page.click('#review-place-btn');
    const pt = await page.evaluate(({ lat, lon }) => {
      const { map } = window.incidentmap;
      const p = map.latLngToContainerPoint([lat, lon]);
      const r = map.getContainer().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y, z: map.getZoom() };
    }, target);
    await page.mouse.click(pt.x, pt.y);
    await page.waitForSelector('#review-status[data-state="saved"]', { timeout: 10000 });
    step(`saved at zoom ${pt.z}: ${await page.textContent('#review-status')}`);

    step('the marker moves to the clicked point');
    await waitReady(page);
    await page.waitForFunction(({ i, lat, lon }) => {
      const m = window.incidentmap.markersById.get(String(i));
      return m && Math.abs(m.getLatLng().lat - lat) < 0.01 && Math.abs(m.getLatLng().lng - lon) < 0.01;
    }, { i: id, ...target }, { timeout: 10000 });
    const api = await (await fetch(`${base}/api/incidents/${id}`)).json();
    const [lon, lat] = api.geometry.coordinates;
    assert(close(lat, target.lat, 0.01) && close(lon, target.lon, 0.01), `API has ${lat}, ${lon}, want near ${target.lat}, ${target.lon}`);
    assert(api.properties.precision === 1 && !api.properties.needs_review, `API properties after the fix: ${JSON.stringify(api.properties)}`);
    const queued = await (await fetch(`${base}/api/review?limit=100`)).json();
    assert(!queued.features.some((f) => f.properties.id === id && f.properties.needs_review), 'the fixed place still needs review');

    step('reload: the fix stays');
    await page.reload();
    await waitReady(page);
    const after = await markerAt(page, id);
    assert(after && close(after.lat, lat, 1e-6) && close(after.lon, lon, 1e-6), `after reload marker at ${JSON.stringify(after)}, want ${lat}, ${lon}`);

    step('a new report naming Abu Sharja lands on the corrected point');
    const res = await fetch(`${base}/api/reports`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(laterReport),
    });
    const rep = await res.json();
    assert(res.status === 201, `POST /api/reports: ${res.status} ${JSON.stringify(rep)}`);
    const places = rep.places.filter((p) => p.place === 'Abu Sharja' && p.role === 'incident');
    assert(places.length > 0, `no Abu Sharja incident in the new report: ${JSON.stringify(rep.places.map((p) => p.place))}`);
    for (const p of places) {
      assert(close(p.lat, lat, 1e-6) && close(p.lon, lon, 1e-6) && !p.needs_review && p.precision === 1,
        `new report's Abu Sharja at ${p.lat}, ${p.lon} (needs_review ${p.needs_review}, precision ${p.precision}), want ${lat}, ${lon}`);
    }
    step(`report ${rep.id}: Abu Sharja at ${places[0].lat}, ${places[0].lon}`);
    check(problems);
  } finally {
    await browser.close();
  }
});
