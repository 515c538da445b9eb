// clusters.test.mjs: the map in server-cluster mode (more incidents than
// the page loads as GeoJSON), in headless Chromium against a running
// server. Usage: node static/test/clusters.test.mjs http://127.0.0.1:PORT
// The server must hold more than 5,000 incidents and three reports of
// incidents at one point from the source "Stacked Test Wire" (see
// TestBrowserServerClusters). It checks that a zoom-10 view draws a bounded
// number of markers whose counts add up to the incidents in view, that a
// click on a cluster zooms in, and that a cluster no zoom splits lists its
// incidents, with report links, when clicked.
import { open, run, step, assert, check, baseURL, waitReady, serverClusters } from './lib.mjs';

const base = baseURL();

// nearestCluster returns the server cluster drawn nearest the map's
// centre: its distance from it, its centre on the page and its count.
async function nearestCluster(page) {
  const box = await page.locator('#map').boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  let best = null;
  for (const c of await serverClusters(page)) {
    const d = Math.hypot(c.x - cx, c.y - cy);
    if (!best || d < best.d) best = { ...c, d };
  }
  return best;
}

run('clusters', async () => {
  const { browser, page, problems } = await open();
  try {
    step('a zoom-10 view over Idlib');
    await page.goto(`${base}/?offline=1&lat=35.9&lon=36.6&z=10`);
    await waitReady(page, 30000);
    const z10 = await page.evaluate(() => {
      const s = document.getElementById('status');
      let inClusters = 0;
      let clusters = 0;
      for (const m of window.incidentmap.serverLayer.getLayers()) {
        if (!m.clusterCount) continue;
        clusters += 1;
        inClusters += m.clusterCount;
      }
      const singles = document.querySelectorAll('.leaflet-marker-pane .im-marker').length;
      const canvas = document.querySelectorAll('.leaflet-clusters-pane canvas').length;
      return { text: s.textContent, count: Number(s.dataset.count), clusters, singles, inClusters, canvas };
    });
    step(JSON.stringify(z10));
    assert(/grouped on the server/.test(z10.text), `status "${z10.text}": want server clusters`);
    assert(z10.clusters > 0, 'no cluster drawn at zoom 10');
    assert(z10.canvas === 1, `clusters drawn on ${z10.canvas} canvases in their pane, want 1`);
    assert(z10.clusters + z10.singles <= 600, `${z10.clusters + z10.singles} markers at zoom 10: want at most one per 64-px cell`);
    assert(z10.inClusters + z10.singles === z10.count, `clusters hold ${z10.inClusters} and ${z10.singles} single markers, status counts ${z10.count}`);

    step('a click on a cluster zooms in by two');
    const some = await nearestCluster(page);
    const ink = await page.evaluate(({ x, y }) => {
      const cv = document.querySelector('.leaflet-clusters-pane canvas');
      const r = cv.getBoundingClientRect();
      const px = cv.getContext('2d').getImageData(Math.round((x - r.left) * cv.width / r.width), Math.round((y - r.top) * cv.height / r.height), 1, 1).data;
      return px[3];
    }, some);
    assert(ink > 0, `nothing drawn on the canvas at the cluster of ${some.count} (${some.x}, ${some.y})`);
    await page.mouse.click(some.x, some.y);
    await page.waitForFunction(() => window.incidentmap.map.getZoom() === 12, null, { timeout: 5000 });

    step('the stacked incidents at zoom 17');
    const r = await fetch(`${base}/api/incidents?source=Stacked%20Test%20Wire&limit=10`).then((x) => x.json());
    assert(r.features.length === 3, `want 3 stacked test incidents, API has ${r.features.length}`);
    const [lon, lat] = r.features[0].geometry.coordinates;
    assert(r.features.every((f) => f.geometry.coordinates[0] === lon && f.geometry.coordinates[1] === lat), 'the test incidents are not at one point');
    await page.goto(`${base}/?offline=1&lat=${lat}&lon=${lon}&z=17`);
    await waitReady(page, 30000);
    // The cluster nearest the map's centre holds the stacked incidents.
    const target = await nearestCluster(page);
    assert(target && target.d < 40 && target.count >= 3, `no cluster of 3+ at the stacked point: ${JSON.stringify(target)}`);
    await page.mouse.click(target.x, target.y);
    const list = page.locator('.leaflet-popup-content .cluster-list');
    await list.locator('li').first().waitFor({ timeout: 5000 });
    const got = await list.evaluate((b) => ({
      head: b.querySelector('h3')?.textContent, items: b.querySelectorAll('li').length,
      links: [...b.querySelectorAll('li a')].map((a) => a.getAttribute('href')),
    }));
    step(JSON.stringify(got));
    assert(got.head === `${target.count} incidents here`, `list heading "${got.head}", want the cluster's ${target.count}`);
    assert(got.items === Math.min(target.count, 50), `${got.items} incidents listed, want ${Math.min(target.count, 50)}`);
    for (const f of r.features) {
      const re = new RegExp(`^/reports/${f.properties.report_id}(\\?|$)`);
      assert(got.links.some((h) => re.test(h)), `report ${f.properties.report_id} not linked from the list: ${got.links}`);
    }
    check(problems);
  } finally {
    await browser.close();
  }
});
