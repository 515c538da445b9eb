// screenshots.mjs: takes the README screenshots with the offline base map.
// Usage: node static/test/screenshots.mjs http://127.0.0.1:PORT [outdir]
// Writes <outdir>/map.png, <outdir>/report.png and <outdir>/review.png
// (default docs/img). The review panel is shown unlocked with a placeholder
// token (INCIDENTMAP_TOKEN if set): the screenshot makes no correction.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { open, run, step, assert, check, baseURL, waitReady } from './lib.mjs';

const base = baseURL();
const out = process.argv[3] ?? path.join('docs', 'img');

run('screenshots', async () => {
  mkdirSync(out, { recursive: true });
  const res = await fetch(`${base}/api/incidents`);
  assert(res.ok, `GET /api/incidents: ${res.status}`);
  const { features } = await res.json();
  assert(features.length > 0, 'no incidents to show');
  // The report with the most places makes the richest report view.
  const perReport = new Map();
  for (const f of features) perReport.set(f.properties.report_id, (perReport.get(f.properties.report_id) ?? 0) + 1);
  const [reportID] = [...perReport.entries()].sort((a, b) => b[1] - a[1])[0];

  const { browser, page, problems } = await open({ viewport: { width: 1280, height: 800 } });
  try {
    await page.goto(`${base}/?offline=1&mentions=1&lat=35.0&lon=37.2&z=7`);
    await waitReady(page);
    // A popup over the fitted view shows more than one zoomed to a street.
    // Click the single marker nearest the middle of the map.
    const clicked = await page.evaluate(() => {
      const map = document.getElementById('map').getBoundingClientRect();
      const cx = map.left + map.width / 2, cy = map.top + map.height / 2;
      let best = null, bestD = Infinity;
      for (const m of document.querySelectorAll('.leaflet-marker-pane .im-marker')) {
        const r = m.getBoundingClientRect();
        if (r.left < map.left || r.right > map.right || r.top < map.top || r.bottom > map.bottom) continue;
        const d = Math.hypot(r.left - cx, r.top - cy);
        if (d < bestD) { best = m; bestD = d; }
      }
      if (best) best.click();
      return Boolean(best);
    });
    if (clicked) await page.waitForSelector('.leaflet-popup-content .popup');
    await page.waitForTimeout(800); // let the country shapes and the pan settle
    await page.screenshot({ path: path.join(out, 'map.png') });
    step(path.join(out, 'map.png'));

    await page.goto(`${base}/reports/${reportID}?offline=1`);
    await waitReady(page);
    await page.locator('#report-text mark').first().click();
    await page.waitForTimeout(800);
    await page.screenshot({ path: path.join(out, 'report.png') });
    step(`${path.join(out, 'report.png')} (report ${reportID})`);

    await page.goto(`${base}/?offline=1&review=1`);
    await waitReady(page);
    await page.fill('#review-token', process.env.INCIDENTMAP_TOKEN || 'screenshot-token');
    await page.click('#review-unlock');
    await page.locator('#review-queue button').first().waitFor();
    // The seed's unresolved village makes the clearest example, if stored.
    const named = page.locator('#review-queue button', { hasText: 'Abu Sharja' });
    await ((await named.count()) ? named.first() : page.locator('#review-queue button').first()).click();
    await page.waitForSelector('#review-detail:not([hidden])');
    await page.click('#review-place-btn'); // shows the placing cursor and hint; nothing is saved
    await page.waitForTimeout(800);
    await page.screenshot({ path: path.join(out, 'review.png') });
    step(path.join(out, 'review.png'));
    check(problems);
  } finally {
    await browser.close();
  }
});
