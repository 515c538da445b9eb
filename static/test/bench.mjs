// bench.mjs: a browser benchmark of the map with many incidents (issue 6).
// Usage: node static/test/bench.mjs http://127.0.0.1:PORT [N]
// The page and its scripts come from the server; /api/incidents is
// answered in the browser with N generated incidents (default 100,000)
// spread over Syria and its neighbours, so the figures measure the front
// end only. It prints the first render time (navigation to markers drawn)
// and the median and worst pan and zoom re-render times.
import { open, run, step, assert, baseURL, waitReady } from './lib.mjs';

const base = baseURL();
const n = Number(process.argv[3] ?? 100000);

function generate(count) {
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const features = [];
  for (let i = 1; i <= count; i++) {
    const day = Math.floor(rnd() * 1500);
    const date = new Date(Date.UTC(2019, 0, 1) + day * 86400000).toISOString().slice(0, 10);
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [+(33 + rnd() * 14).toFixed(4), +(30 + rnd() * 8).toFixed(4)] },
      properties: {
        id: i, report_id: i, date, date_precision: 1, report_date: date, source: `Outlet ${i % 12}`,
        place: `Place ${i % 5000}`, name: `Place ${i % 5000}`, role: 'incident', precision: 1 + (i % 3),
        disputed: i % 50 === 0, confidence: 0.9, sentence: `Something happened in Place ${i % 5000}.`,
      },
    });
  }
  return JSON.stringify({ type: 'FeatureCollection', features, numberMatched: count, numberReturned: count });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

run(`bench (${n} incidents)`, async () => {
  const body = generate(n);
  const { browser, page } = await open({ intercept: false });
  try {
    await page.route('**/api/incidents?*', (r) => r.fulfill({ status: 200, contentType: 'application/json', body }));
    await page.route('**/api/incidents', (r) => r.fulfill({ status: 200, contentType: 'application/json', body }));
    step(`generated ${(body.length / 1e6).toFixed(1)} MB of GeoJSON`);
    await page.goto(`${base}/?offline=1`);
    await waitReady(page, 120000);
    const first = await page.evaluate(() => {
      const m = (name) => performance.getEntriesByName(name).at(-1)?.startTime;
      return { ready: m('im:ready'), data: m('im:data'), query: m('im:query'), markers: m('im:markers') };
    });
    step(`first render: ${first.ready.toFixed(0)} ms after navigation (data parsed at ${first.data.toFixed(0)} ms, of which fetch+parse ${(first.data - first.query).toFixed(0)} ms; markers built in ${(first.markers - first.data).toFixed(0)} ms, clustered in ${(first.ready - first.markers).toFixed(0)} ms)`);

    // Each move is timed until two animation frames have painted.
    const moves = await page.evaluate(async () => {
      const { map } = window.incidentmap;
      const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const time = async (fn) => {
        const t0 = performance.now();
        fn();
        await frame();
        return performance.now() - t0;
      };
      const out = { pan: [], zoom: [] };
      for (let i = 0; i < 6; i++) out.pan.push(await time(() => map.panBy([i % 2 ? -250 : 250, 120], { animate: false })));
      const z = map.getZoom();
      for (const dz of [1, 1, 1, -1, -1, -1]) out.zoom.push(await time(() => map.setZoom(map.getZoom() + dz, { animate: false })));
      map.setZoom(z, { animate: false });
      return out;
    });
    step(`pan re-render: median ${median(moves.pan).toFixed(0)} ms, worst ${Math.max(...moves.pan).toFixed(0)} ms`);
    step(`zoom re-render: median ${median(moves.zoom).toFixed(0)} ms, worst ${Math.max(...moves.zoom).toFixed(0)} ms`);
    const drawn = await page.getAttribute('#status', 'data-count');
    assert(Number(drawn) === n, `drew ${drawn} incidents, want ${n}`);
  } finally {
    await browser.close();
  }
});
