// screenshots.mjs: takes the README screenshots with the offline base map.
// Usage: node static/test/screenshots.mjs http://127.0.0.1:PORT [outdir]
// Writes <outdir>/map.png and <outdir>/report.png (default docs/img).
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
    await page.goto(`${base}/?offline=1&mentions=1`);
    await waitReady(page);
    // A popup over the fitted view shows more than one zoomed to a street.
    const single = page.locator('.leaflet-marker-pane .im-marker').first();
    if (await single.count()) {
      await single.click();
      await page.waitForSelector('.leaflet-popup-content .popup');
    }
    await page.waitForTimeout(800); // let the country shapes and the pan settle
    await page.screenshot({ path: path.join(out, 'map.png') });
    step(path.join(out, 'map.png'));

    await page.goto(`${base}/reports/${reportID}?offline=1`);
    await waitReady(page);
    await page.locator('#report-text mark').first().click();
    await page.waitForTimeout(800);
    await page.screenshot({ path: path.join(out, 'report.png') });
    step(`${path.join(out, 'report.png')} (report ${reportID})`);
    check(problems);
  } finally {
    await browser.close();
  }
});
