// xss.test.mjs: checks that hostile report text is shown as text, never
// run. The server must already hold a report whose text has a place in a
// sentence containing <img src=x onerror=alert(1)> and <script>…</script>
// (cmd/incidentmap/browser_test.go ingests one). Usage:
//   node static/test/xss.test.mjs http://127.0.0.1:PORT
// Any dialog (alert) fails the test, as does any <img src=x> or injected
// <script> element in the popup or the report view.
import {
  open, run, step, assert, check, baseURL, waitReady,
} from './lib.mjs';

const base = baseURL();
const IMG = '<img src=x onerror=alert(1)>';

// injected lists elements the payload would create if parsed as HTML.
async function injected(page, scope) {
  return page.evaluate((sel) => {
    const root = document.querySelector(sel) ?? document;
    const bad = [];
    for (const img of root.querySelectorAll('img')) {
      if (img.getAttribute('src') === 'x' || img.hasAttribute('onerror')) bad.push(img.outerHTML);
    }
    for (const s of root.querySelectorAll('script')) {
      if (!s.getAttribute('src')?.startsWith('/')) bad.push(s.outerHTML);
    }
    for (const n of root.querySelectorAll('*')) {
      for (const a of n.getAttributeNames()) if (/^on/i.test(a)) bad.push(`${n.tagName} ${a}`);
    }
    return bad;
  }, scope);
}

run('xss', async () => {
  const res = await fetch(`${base}/api/incidents?role=incident&role=mention`);
  assert(res.ok, `GET /api/incidents: ${res.status}`);
  const fc = await res.json();
  const hostile = fc.features.find((f) => f.properties.sentence?.includes(IMG));
  assert(hostile, `no incident has a sentence containing ${IMG}: was the hostile report ingested with a place in that sentence?`);
  const p = hostile.properties;
  const { browser, page, problems } = await open();
  try {
    step(`popup of incident ${p.id} (${p.place})`);
    await page.goto(`${base}/?offline=1&mentions=1&incident=${encodeURIComponent(p.id)}`);
    await waitReady(page);
    const popup = page.locator(`.leaflet-popup-content .popup[data-incident="${p.id}"]`);
    await popup.waitFor({ timeout: 8000 });
    const text = await popup.locator('.sentence').textContent();
    assert(text === p.sentence, `popup sentence ${JSON.stringify(text)}, want ${JSON.stringify(p.sentence)}`);
    assert(text.includes(IMG), `popup does not show ${IMG} as text`);
    if (p.sentence.includes('<script>')) assert(text.includes('<script>'), 'popup does not show <script> as text');
    let bad = await injected(page, '.leaflet-popup-content');
    assert(bad.length === 0, `popup contains elements made from report text: ${bad.join(', ')}`);
    bad = await injected(page, '#source-list');
    assert(bad.length === 0, `source list contains elements made from source names: ${bad.join(', ')}`);

    step(`report view /reports/${p.report_id}`);
    await page.goto(`${base}/reports/${encodeURIComponent(p.report_id)}?offline=1`);
    await waitReady(page);
    const body = await page.locator('#report-text').textContent();
    assert(body.includes(IMG), `report view does not show ${IMG} as text`);
    if (p.sentence.includes('<script>')) assert(body.includes('<script>'), 'report view does not show <script> as text');
    bad = await injected(page, 'body');
    assert(bad.length === 0, `report view contains elements made from report text: ${bad.join(', ')}`);
    assert(await page.locator('#report-text mark').count() >= 1, 'report view highlights no place');

    // Give any handler that slipped through time to fire a dialog.
    await page.waitForTimeout(500);
    check(problems);
  } finally {
    await browser.close();
  }
});
