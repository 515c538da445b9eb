// lib.mjs: shared set-up for the browser tests. It launches Debian's
// Chromium through playwright-core, blocks and records every request that
// would leave 127.0.0.1, and records console errors, page errors and
// dialogs, so each test can assert the page stayed offline and quiet.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// TestError is a failed assertion; run() prints its message and exits 1.
export class TestError extends Error {}

export function assert(cond, msg) {
  if (!cond) throw new TestError(msg);
}

export function baseURL() {
  const base = process.argv[2];
  if (!base || !/^https?:\/\//.test(base)) {
    console.error(`usage: node ${process.argv[1]} http://127.0.0.1:PORT`);
    process.exit(2);
  }
  return base.replace(/\/+$/, '');
}

// isLocal reports whether url stays on this machine.
function isLocal(url) {
  if (/^(data|blob|about):/.test(url)) return true;
  try {
    const { hostname } = new URL(url);
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  } catch {
    return false;
  }
}

// Console messages we expect: the optional histogram endpoint may 404.
function expected(msg) {
  const url = msg.location()?.url ?? '';
  return /Failed to load resource.*404/.test(msg.text()) && /\/api\/histogram\b/.test(url);
}

// open launches the browser and returns {browser, context, page, problems}.
// problems collects offsite requests, console errors, page errors and
// dialogs; check(problems) fails the test if any occurred.
// seen holds every problem recorded in this process, so a failure report
// can show what the page said before the assertion failed.
//
// Offsite requests are blocked in one of two ways. Tests intercept every
// request (Playwright's route) and abort the offsite ones. Benchmarks pass
// intercept: false, because interception sends each request through the
// Node process first: on this 2-core machine that queued the map's
// /api/clusters request 30–120 ms and its base tiles up to 250 ms, a cost
// no user pays. There Chromium sends every offsite request to a dead proxy
// (so it fails) and the request event records it as a problem.
const seen = [];

export async function open({ viewport = { width: 1280, height: 800 }, intercept = true } = {}) {
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
  if (!intercept) args.push('--proxy-server=http://127.0.0.1:9', '--proxy-bypass-list=127.0.0.1;localhost;[::1]');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
  const context = await browser.newContext({ viewport });
  const problems = [];
  if (intercept) {
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (isLocal(url)) return route.continue();
      note(problems, `request left 127.0.0.1: ${url}`);
      return route.abort();
    });
  } else {
    context.on('request', (req) => {
      if (!isLocal(req.url())) note(problems, `request left 127.0.0.1: ${req.url()}`);
    });
  }
  const page = await context.newPage();
  watch(page, problems);
  return { browser, context, page, problems };
}

function note(problems, msg) {
  problems.push(msg);
  seen.push(msg);
}

// watch records problems on page (console errors, uncaught errors, dialogs).
export function watch(page, problems) {
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !expected(msg)) note(problems, `console error: ${msg.text()} (${msg.location()?.url ?? ''})`);
  });
  page.on('pageerror', (err) => note(problems, `page error: ${err.message}`));
  page.on('dialog', async (d) => {
    note(problems, `a ${d.type()} dialog opened: ${JSON.stringify(d.message())} (script ran)`);
    await d.dismiss().catch(() => {});
  });
  page.on('requestfailed', (req) => {
    const why = req.failure()?.errorText ?? '';
    // Aborted fetches are superseded queries; blocked ones are reported by route.
    if (isLocal(req.url()) && !/ERR_ABORTED/.test(why)) note(problems, `request failed: ${req.url()} ${why}`);
  });
}

export function check(problems) {
  assert(problems.length === 0, `problems during the test:\n  ${problems.join('\n  ')}`);
}

// waitReady waits until the map has drawn the current query.
export async function waitReady(page, timeout = 15000) {
  await page.waitForFunction(() => {
    const s = document.getElementById('status');
    return s && (s.dataset.state === 'ready' || s.dataset.state === 'error');
  }, null, { timeout });
  const state = await page.getAttribute('#status', 'data-state');
  const text = await page.textContent('#status');
  assert(state === 'ready', `map did not load: ${text}`);
}

// waitMapIdle waits until no pan, zoom or cluster animation is running,
// seen on two checks in a row. A marker clicked mid-animation may be the
// one markercluster removes when the animation ends, closing its popup
// (seen in CI on a loaded machine, where 700 ms was not enough).
export async function waitMapIdle(page, timeout = 10000) {
  const busy = () => page.evaluate(() => {
    const pane = document.querySelector('.leaflet-map-pane');
    return !pane || /leaflet-(pan|zoom|cluster)-anim/.test(pane.className);
  });
  const end = Date.now() + timeout;
  for (let quiet = 0; quiet < 2;) {
    assert(Date.now() < end, 'the map kept animating');
    await page.waitForTimeout(100);
    quiet = (await busy()) ? 0 : quiet + 1;
  }
}

// serverClusters lists the server clusters drawn on the map's canvas in
// view: their centres on the page and their counts.
export async function serverClusters(page) {
  return page.evaluate(() => {
    const { map, serverLayer } = window.incidentmap;
    const box = map.getContainer().getBoundingClientRect();
    const size = map.getSize();
    const out = [];
    for (const m of serverLayer.getLayers()) {
      if (!m.clusterCount) continue;
      const p = map.latLngToContainerPoint(m.getLatLng());
      if (p.x < 0 || p.y < 0 || p.x > size.x || p.y > size.y) continue;
      out.push({ x: box.left + p.x, y: box.top + p.y, count: m.clusterCount });
    }
    return out;
  });
}

// markerTotal counts incidents drawn: single markers plus the counts of
// the clusters on the map (the browser's DOM clusters, or the server's on
// the canvas; both kinds are counted wherever they are drawn, in view or
// in the margin around it).
export async function markerTotal(page) {
  return page.evaluate(() => {
    const singles = document.querySelectorAll('.leaflet-marker-pane .im-marker').length;
    let clustered = 0;
    for (const c of document.querySelectorAll('.leaflet-marker-pane .marker-cluster')) clustered += Number(c.textContent.trim()) || 0;
    for (const m of window.incidentmap?.serverLayer?.getLayers() ?? []) clustered += m.clusterCount ?? 0;
    return { singles, clustered, total: singles + clustered };
  });
}

// apiCount asks the server how many incidents a query returns.
export async function apiCount(base, query) {
  const res = await fetch(`${base}/api/incidents?${query}`);
  assert(res.ok, `GET /api/incidents?${query}: ${res.status}`);
  const fc = await res.json();
  return fc.features;
}

// run runs fn and turns its outcome into an exit status with a clear message.
export async function run(name, fn) {
  const started = Date.now();
  try {
    await fn();
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
    process.exit(0);
  } catch (err) {
    console.error(`FAIL ${name}: ${err instanceof TestError ? err.message : err.stack}`);
    if (seen.length && !(err instanceof TestError && err.message.startsWith('problems during'))) {
      console.error(`page problems so far:\n  ${seen.join('\n  ')}`);
    }
    process.exit(1);
  }
}

// step logs progress so a failure's context is visible in go test -v.
export function step(msg) {
  console.log(`  - ${msg}`);
}
