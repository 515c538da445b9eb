// map.test.mjs: drives the map in headless Chromium against a running
// incidentmap server. Usage: node static/test/map.test.mjs http://127.0.0.1:PORT
// It checks markers match the API, that the date range, source list and
// histogram re-query, that the URL keeps the state across a reload, that a
// popup and the report view open, and that nothing leaves 127.0.0.1.
import {
  open, run, step, assert, check, baseURL, waitReady, waitMapIdle, markerTotal, apiCount,
} from './lib.mjs';

const base = baseURL();

// expectMarkers waits until the drawn markers add up to want.
async function expectMarkers(page, want, what) {
  try {
    await page.waitForFunction((n) => {
      let total = document.querySelectorAll('.leaflet-marker-pane .im-marker').length;
      for (const c of document.querySelectorAll('.leaflet-marker-pane .marker-cluster')) total += Number(c.textContent.trim()) || 0;
      return total === n;
    }, want, { timeout: 5000 });
  } catch {
    const got = await markerTotal(page);
    assert(false, `${what}: map shows ${got.total} incidents (${got.singles} markers + ${got.clustered} in clusters), API returns ${want}`);
  }
}

// apiQuery turns the page's URL into the API query the page should make.
function apiQueryFor(pageURL) {
  const p = new URL(pageURL).searchParams;
  const q = new URLSearchParams();
  for (const k of ['from', 'to', 'source_kind', 'max_precision', 'disputed']) if (p.get(k)) q.set(k, p.get(k));
  for (const s of p.getAll('source')) q.append('source', s);
  return q.toString();
}

run('map', async () => {
  const { browser, page, problems } = await open();
  try {
    step('load /?offline=1');
    await page.goto(`${base}/?offline=1`);
    await waitReady(page);
    const all = await apiCount(base, '');
    assert(all.length >= 2, `need at least 2 incidents from the server to test filtering, got ${all.length}`);
    await expectMarkers(page, all.length, 'initial load');
    const shown = await page.getAttribute('#status', 'data-count');
    assert(Number(shown) === all.length, `status says ${shown} incidents, API returns ${all.length}`);
    // Uncertainty circles and server clusters share one canvas (app.js).
    await page.waitForSelector('.leaflet-clusters-pane canvas', { state: 'attached' });
    // Offline, the base map is the server's own Natural Earth tiles.
    await page.waitForFunction(() => [...document.querySelectorAll('.leaflet-tile-pane img.leaflet-tile-loaded')]
      .some((img) => new URL(img.src).pathname.startsWith('/tiles/base/')), null, { timeout: 10000 })
      .catch(() => assert(false, 'no /tiles/base/ PNG tile was loaded by the offline map'));
    // Tiles are placed with a 2D translate (flatTiles in common.js): each
    // must still sit where its z/x/y says, to the pixel.
    const misplaced = await page.evaluate(() => {
      const { map } = window.incidentmap;
      const box = map.getContainer().getBoundingClientRect();
      const bad = [];
      let seen = 0;
      for (const img of document.querySelectorAll('.leaflet-tile-pane img.leaflet-tile-loaded')) {
        const m = new URL(img.src).pathname.match(/^\/tiles\/base\/(\d+)\/(\d+)\/(\d+)/);
        if (!m || Number(m[1]) !== map.getZoom()) continue;
        seen += 1;
        const [z, x, y] = m.slice(1).map(Number);
        const want = map.latLngToContainerPoint(map.unproject([x * 256, y * 256], z));
        const r = img.getBoundingClientRect();
        const got = { x: r.left - box.left, y: r.top - box.top };
        if (/translate3d/.test(img.style.transform) || Math.abs(got.x - want.x) > 1 || Math.abs(got.y - want.y) > 1) {
          bad.push(`${z}/${x}/${y} at ${got.x.toFixed(1)},${got.y.toFixed(1)} (want ${want.x.toFixed(1)},${want.y.toFixed(1)}; transform ${img.style.transform})`);
        }
      }
      return { seen, bad };
    });
    assert(misplaced.seen > 0, 'no base tile of the current zoom was loaded');
    assert(misplaced.bad.length === 0, `base tiles misplaced: ${misplaced.bad.slice(0, 3).join('; ')}`);

    step('change the date range');
    const dates = [...new Set(all.map((f) => f.properties.date))].sort();
    assert(dates.length >= 2, `incidents all share one date (${dates[0]}); cannot test the date range`);
    const from = dates[Math.floor(dates.length / 2)];
    const later = await apiCount(base, `from=${from}`);
    assert(later.length > 0 && later.length < all.length, `from=${from} should keep some but not all incidents`);
    await page.fill('#from', from);
    await waitReady(page);
    await expectMarkers(page, later.length, `after from=${from}`);
    assert(new URL(page.url()).searchParams.get('from') === from, `URL did not record from=${from}: ${page.url()}`);
    assert(new URL(page.url()).searchParams.has('z'), `URL did not record the view: ${page.url()}`);

    step('reload restores the state');
    const before = page.url();
    await page.reload();
    await waitReady(page);
    assert(await page.inputValue('#from') === from, `after reload #from is ${await page.inputValue('#from')}, want ${from}`);
    await expectMarkers(page, later.length, 'after reload');
    const after = new URL(page.url()).searchParams;
    for (const k of ['from', 'lat', 'lon', 'z']) {
      assert(after.get(k) === new URL(before).searchParams.get(k), `after reload ${k}=${after.get(k)}, before ${new URL(before).searchParams.get(k)}`);
    }

    step('untick a source');
    await page.click('#dates-clear');
    await waitReady(page);
    await expectMarkers(page, all.length, 'after clearing dates');
    const boxes = await page.$$('#source-list input[type=checkbox]');
    assert(boxes.length >= 1, 'source list is empty');
    const name = await boxes[0].getAttribute('data-name');
    await page.uncheck(`#source-list input[data-name="${name.replace(/["\\]/g, '\\$&')}"]`);
    await waitReady(page);
    const q = apiQueryFor(page.url());
    assert(new URL(page.url()).searchParams.getAll('source').every((s) => s !== name), `URL still selects ${name}`);
    const bySource = boxes.length > 1 ? await apiCount(base, q) : [];
    await expectMarkers(page, bySource.length, `without source ${name}`);
    await page.click('#sources-all');
    await waitReady(page);
    await expectMarkers(page, all.length, 'after ticking all sources');

    if (await page.isVisible('#histogram-box')) {
      step('brush the histogram');
      const box = await page.locator('#histogram').boundingBox();
      const y = box.y + box.height / 2;
      await page.mouse.move(box.x + box.width * 0.55, y);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.75, y, { steps: 5 });
      await page.mouse.up();
      await waitReady(page);
      const u = new URL(page.url()).searchParams;
      assert(u.get('from') && u.get('to'), `brushing did not set from/to in the URL: ${page.url()}`);
      const brushed = await apiCount(base, `from=${u.get('from')}&to=${u.get('to')}`);
      await expectMarkers(page, brushed.length, `after brushing ${u.get('from')}..${u.get('to')}`);
      assert(brushed.length < all.length, 'brushing part of the histogram kept every incident');
      const url = page.url();
      await page.reload();
      await waitReady(page);
      assert(page.url() === url, `reload changed the URL: ${url} -> ${page.url()}`);
      await expectMarkers(page, brushed.length, 'after reloading the brushed view');
      await page.click('#dates-clear');
      await waitReady(page);
    } else {
      step('histogram endpoint absent: brushing skipped');
    }

    step('open a popup');
    let opened = false;
    for (let i = 0; i < 12 && !opened; i++) {
      const single = page.locator('.leaflet-marker-pane .im-marker').first();
      if (await single.count()) {
        await single.click();
        opened = true;
      } else {
        await page.locator('.leaflet-marker-pane .marker-cluster').first().click();
        await waitMapIdle(page);
      }
    }
    assert(opened, 'no single marker became clickable after zooming into clusters');
    const popup = page.locator('.leaflet-popup-content .popup');
    await popup.waitFor({ timeout: 5000 });
    const place = (await popup.locator('h3').textContent()).trim();
    assert(place.length > 0, 'popup has no place name');
    assert(await popup.locator('.sources li').count() >= 1, 'popup lists no source');
    const id = await popup.getAttribute('data-incident');
    const props = all.find((f) => String(f.properties.id) === id)?.properties;
    assert(props, `popup is for incident ${id}, which the API did not return`);
    assert(place === (props.place || props.name), `popup place ${JSON.stringify(place)}, want ${JSON.stringify(props.place)}`);
    if (props.sentence && props.sentence.includes(props.place)) {
      assert((await popup.locator('.sentence mark').textContent()) === props.place, 'sentence does not highlight the place');
    }
    await page.waitForFunction((want) => new URL(location.href).searchParams.get('incident') === want, id, { timeout: 3000 })
      .catch(() => assert(false, `URL does not name the open incident ${id}: ${page.url()}`));

    step('follow the popup to the report view');
    await waitMapIdle(page); // the popup may still be panning into view
    assert(await popup.isVisible(), `the popup of incident ${id} closed by itself: ${page.url()}`);
    const link = popup.locator('a[href^="/reports/"]').first();
    await Promise.all([page.waitForURL(/\/reports\/\d+/), link.click()]);
    await waitReady(page);
    assert(await page.locator('#report-text mark').count() >= 1, 'report view highlights no place');
    assert(await page.locator('#places > li').count() >= 1, 'report view lists no place');
    await page.waitForSelector('#report-map .im-marker', { timeout: 5000 });
    await page.locator('#report-text mark').first().click();
    await page.waitForSelector('#report-map .leaflet-popup-content', { timeout: 5000 });

    step('embed dialog and export links');
    await page.goto(`${base}/?offline=1&from=${from}`);
    await waitReady(page);
    await page.click('#embed-open');
    const code = await page.inputValue('#embed-code');
    assert(code.startsWith('<iframe src="') && code.includes('/embed?') && code.includes(`from=${from}`), `embed code: ${code}`);
    await page.click('#embed-close');
    const csv = await page.getAttribute('#export-csv', 'href');
    assert(csv.includes('format=csv') && csv.includes(`from=${from}`), `export link: ${csv}`);

    step('the embed shows a data-as-of stamp and links back to the full map');
    await page.goto(`${base}/embed?offline=1&from=${from}`);
    await waitReady(page);
    await page.waitForFunction(() => /Data as of \d{4}-\d\d-\d\d/.test(document.getElementById('embed-asof')?.textContent || ''), null, { timeout: 5000 });
    const full = await page.getAttribute('#embed-full', 'href');
    assert(full.startsWith('/?') && full.includes(`from=${from}`), `embed link back: ${full}`);
    assert(!(await page.isVisible('#embed-open')), 'the embed shows the full map controls');
    await page.goto(`${base}/?offline=1&from=${from}`);
    await waitReady(page);

    step('phone-sized screen');
    await page.setViewportSize({ width: 390, height: 780 });
    assert(await page.isVisible('#panel-toggle'), 'no Filters button on a phone-sized screen');
    assert(!(await page.isVisible('#from')), 'filter panel covers the map on a phone-sized screen');
    await page.click('#panel-toggle');
    assert(await page.isVisible('#from'), 'Filters button does not show the filters');

    check(problems);
  } finally {
    await browser.close();
  }
});
