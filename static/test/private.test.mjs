// private.test.mjs: a server started with --private, opened in a browser.
// Usage: INCIDENTMAP_TEST_TOKEN=... node static/test/private.test.mjs http://127.0.0.1:PORT
// The server must run with --private, that env token and the samples
// (TestBrowserPrivateLogin). It checks that the map answers with the login
// page, that a wrong token is refused, that the right one opens the map,
// /embed and the report view through a session cookie that is HttpOnly,
// SameSite=Strict and cannot write, and that logging out locks the map.
import { open, run, step, assert, check, baseURL, waitReady } from './lib.mjs';

const base = baseURL();
const token = process.env.INCIDENTMAP_TEST_TOKEN;

run('private', async () => {
  assert(token, 'INCIDENTMAP_TEST_TOKEN must hold the server\'s token');
  const { browser, context, page, problems } = await open();
  try {
    step('the map answers with the login page');
    const res = await page.goto(`${base}/?offline=1`);
    assert(res.status() === 401, `GET /: status ${res.status()}, want 401 with the login page`);
    await page.locator('#login-form').waitFor({ timeout: 5000 });
    assert(await page.locator('#status').count() === 0, 'the map loaded without a login');

    step('a wrong token is refused');
    await page.fill('#login-token', 'imt_not-a-token');
    await Promise.all([page.waitForNavigation(), page.click('#login-submit')]);
    const err = await page.textContent('#login-error');
    assert(/not valid/.test(err), `after a wrong token the page says ${JSON.stringify(err)}`);
    assert((await context.cookies()).length === 0, 'a wrong token got a cookie');

    step('the right token opens the map where it was asked for');
    await page.fill('#login-token', token);
    await Promise.all([page.waitForNavigation(), page.click('#login-submit')]);
    // (The map then adds its view to the address.)
    const after = new URL(page.url());
    assert(after.pathname === '/' && after.searchParams.get('offline') === '1', `after login the page is ${page.url()}, want /?offline=1`);
    await waitReady(page);
    const n = Number(await page.getAttribute('#status', 'data-count'));
    assert(n > 0, `the map shows ${n} incidents after login`);
    await page.waitForFunction(() => [...document.querySelectorAll('.leaflet-tile-pane img')].some((i) => i.complete && i.naturalWidth > 0), null, { timeout: 10000 });
    const cookies = await context.cookies();
    assert(cookies.length === 1, `cookies ${JSON.stringify(cookies)}, want one session cookie`);
    const [c] = cookies;
    assert(c.httpOnly && c.sameSite === 'Strict' && c.path === '/', `session cookie ${JSON.stringify(c)}: want HttpOnly, SameSite=Strict, Path=/`);
    assert(!c.value.includes(token), 'the session cookie holds the token');
    assert(!(await page.evaluate(() => document.cookie)).includes(c.name), 'a script can read the session cookie');
    assert(await page.isVisible('#logout'), 'no Log out button on the map');

    step('the session reads but does not write');
    const got = await page.evaluate(async () => {
      const read = await fetch('/api/incidents?limit=1');
      const write = await fetch('/api/reports', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: ' date 2021-03-09\nShelling hit Saraqib.' });
      return { read: read.status, write: write.status };
    });
    assert(got.read === 200 && got.write === 401, `with the session: GET ${got.read} (want 200), POST ${got.write} (want 401)`);

    step('/embed and the report view');
    await page.goto(`${base}/embed?offline=1`);
    await waitReady(page);
    await page.goto(`${base}/reports/1?offline=1`);
    await waitReady(page);

    step('logging out locks the map again');
    await page.goto(`${base}/?offline=1`);
    await waitReady(page);
    await Promise.all([page.waitForNavigation(), page.click('#logout button')]);
    await page.locator('#login-form').waitFor({ timeout: 5000 });
    assert((await context.cookies()).length === 0, 'the session cookie survived the logout');
    const again = await page.goto(`${base}/?offline=1`);
    assert(again.status() === 401 && await page.locator('#login-form').count() === 1, `after logout GET / is ${again.status()}, want the login page`);

    // The 401s above are the test's own (the login page, the refused
    // token, the refused write); Chromium logs each as a failed resource.
    check(problems.filter((p) => !/status of 401/.test(p)));
  } finally {
    await browser.close();
  }
});
