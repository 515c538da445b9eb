// bench-server.mjs: a browser benchmark of the map against the real server
// holding many incidents (issue 6, item 1). Unlike bench.mjs nothing is
// mocked: the server answers /api/clusters from its store, and the page
// draws the server's clusters because the result is above FEATURE_LIMIT.
// Usage:
//   incidentmap generate --db big.db --incidents 100000
//   incidentmap serve --db big.db --addr 127.0.0.1:8090 &
//   node static/test/bench-server.mjs http://127.0.0.1:8090
// It prints the first render (navigation to markers drawn, offline base
// map included) and each pan and zoom re-render (move to markers of the new
// view drawn, the request to the server included), and fails if a request
// leaves 127.0.0.1 or the page logs an error.
import { open, run, step, assert, check, baseURL, waitReady, serverClusters } from './lib.mjs';

const base = baseURL();

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
}

run('bench-server', async () => {
  const { browser, page, problems } = await open({ intercept: false });
  try {
    const t0 = Date.now();
    await page.goto(`${base}/?offline=1&lat=35.0&lon=38.0&z=6`);
    await waitReady(page, 60000);
    const first = await page.evaluate(() => {
      const m = (name) => performance.getEntriesByName(name).at(-1)?.startTime;
      const s = document.getElementById('status');
      return { ready: m('im:ready'), query: m('im:query'), data: m('im:data'), matched: Number(s.dataset.matched), text: s.textContent };
    });
    step(`first render: ${first.ready.toFixed(0)} ms after navigation (query sent at ${first.query.toFixed(0)} ms, answer at ${first.data.toFixed(0)} ms); wall ${Date.now() - t0} ms`);
    step(`status: ${first.text}`);
    assert(first.matched > 5000, `the server holds ${first.matched} matching incidents; generate at least 5,001 to bench server clusters`);
    assert((await serverClusters(page)).length > 0, 'no server cluster drawn');

    // Each move is timed until the page has drawn the new view's answer.
    const moves = await page.evaluate(async () => {
      const { map } = window.incidentmap;
      const s = document.getElementById('status');
      const drawn = () => new Promise((resolve) => {
        const before = performance.getEntriesByName('im:ready').length;
        const poll = () => {
          if (performance.getEntriesByName('im:ready').length > before) {
            requestAnimationFrame(() => requestAnimationFrame(resolve));
          } else setTimeout(poll, 2);
        };
        poll();
      });
      // parts splits a move into its phases, from the page's marks after t:
      // until the query is sent, until its answer is in, drawing it, and
      // the two frames after (what the compositor adds).
      const parts = [];
      const time = async (fn) => {
        const t = performance.now();
        const done = drawn();
        fn();
        await done;
        const end = performance.now();
        const after = (name) => performance.getEntriesByName(name).filter((e) => e.startTime >= t).at(-1)?.startTime ?? t;
        const q = after('im:query');
        const d = after('im:data');
        const r = after('im:ready');
        parts.push([q - t, d - q, r - d, end - r].map((x) => x.toFixed(0)).join('+'));
        return end - t;
      };
      const out = { pan: [], zoom: [], parts, state: s.dataset.state };
      for (let i = 0; i < 10; i++) out.pan.push(await time(() => map.panBy([i % 2 ? -300 : 300, i % 3 ? 150 : -150], { animate: false })));
      out.zoomTo = [];
      for (const dz of [1, 1, 1, 1, -1, -1, -1, -1, 2, -2]) {
        out.zoomTo.push(map.getZoom() + dz);
        out.zoom.push(await time(() => map.setZoom(map.getZoom() + dz, { animate: false })));
      }
      return out;
    });
    const fmt = (xs) => `median ${pct(xs, 0.5).toFixed(0)} ms, p90 ${pct(xs, 0.9).toFixed(0)} ms, worst ${Math.max(...xs).toFixed(0)} ms`;
    step(`pan re-render (${moves.pan.length}): ${fmt(moves.pan)}`);
    step(`zoom re-render (${moves.zoom.length}): ${fmt(moves.zoom)}`);
    step(`zoom steps: ${moves.zoom.map((t, i) => `z${moves.zoomTo[i]} ${t.toFixed(0)}`).join(', ')} ms`);
    const zp = moves.parts.slice(moves.pan.length);
    step(`zoom steps, sent+answer+drawing+frames: ${zp.map((x, i) => `z${moves.zoomTo[i]} ${x}`).join(', ')} ms`);
    const split = await page.evaluate(() => {
      const q = performance.getEntriesByName('im:query');
      const d = performance.getEntriesByName('im:data');
      const r = performance.getEntriesByName('im:ready');
      const net = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/clusters')).map((e) => e.duration);
      const n = Math.min(q.length, d.length, r.length);
      const wait = [];
      const draw = [];
      for (let i = 1; i < n; i++) {
        wait.push(d.at(-i).startTime - q.at(-i).startTime);
        draw.push(r.at(-i).startTime - d.at(-i).startTime);
      }
      return { wait, draw, net };
    });
    step(`per move: answer ${fmt(split.wait)}; drawing ${fmt(split.draw)}; /api/clusters request ${fmt(split.net)}`);
    const tilesLoaded = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/tiles/base/')).length);
    step(`offline base tiles loaded: ${tilesLoaded}`);
    assert(tilesLoaded > 0, 'no /tiles/base/ tile was loaded');
    check(problems);
  } finally {
    await browser.close();
  }
});
