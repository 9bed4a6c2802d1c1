// Helpers shared by the Security info, admin console and screenshot specs (on top of
// harness.mjs): people with a second factor, a signed-in browser, and a watch on the page's
// console for errors and Content-Security-Policy violations.
//
//   const { user, device } = await userWithPhone(server, 'bob');
//   const { user, secret } = await userWithOathApp(server, 'ada', { role: 'admin' });
//   const { page } = await signedInBrowser(server, 'bob', device.code());
//   const { page, problems } = await openSecurityInfo(server, 'bob', device.code());
//   const problems = watchConsole(page);                     // [] while the page is clean
//   await expectText(page.locator('#status'), /saved/);
//   await confirm(page);                                     // the confirm dialog's yes
//   await devicesOf(server, user.id)                         // the admin API's device list
import { assert, createUser, Device, kPassword, openBrowser, waitFor } from './harness.mjs';
import { totpAt } from './clock.mjs';

/** A user with a password and one authenticator device ("Old phone" by default). */
export async function userWithPhone(server, username, { role, deviceName = 'Old phone' } = {}) {
  const user = await createUser(server, { username, displayName: `${username[0].toUpperCase()}${username.slice(1)} Example`, password: kPassword, role });
  const activation = await server.api('POST', `/v1/users/${user.id}/authenticators/activations`, {});
  const device = await Device.activate(server, { uri: activation.activation_uri, name: deviceName });
  return { user, device };
}

/**
 * A user with a password and a proved OATH token; `secret` makes more codes. The token is
 * proved with the previous 30-second step's code (inside the server's window), so that the
 * current step's code can sign in at once: a proving code is never accepted again.
 */
export async function userWithOathApp(server, username, { role } = {}) {
  const user = await createUser(server, { username, password: kPassword, role });
  const token = await server.api('POST', `/v1/users/${user.id}/oath-tokens`, { display_name: 'Authenticator' });
  const previousStep = Math.floor(Date.now() / 1000) - 30;
  await server.api('POST', `/v1/users/${user.id}/oath-tokens/${token.id}/verify`, { code: totpAt(token.secret, previousStep) });
  return { user, secret: token.secret };
}

/**
 * Signs `username` in through the JSON API the sign-in page uses (POST /v1/session, then
 * the TOTP second step), inside the browser context, so its pages carry the session
 * cookie. The sign-in page itself has its own spec.
 */
export async function signInContext(context, server, username, totpCode) {
  const first = await context.request.post(`${server.url}/v1/session`, {
    data: { username, password: kPassword },
  });
  assert.equal(first.status(), 200, `POST /v1/session: ${await first.text()}`);
  const { stage, csrf_token: csrf } = await first.json();
  assert.equal(stage, 'mfa');
  const second = await context.request.post(`${server.url}/v1/session/verify`, {
    data: { method: 'totp', code: totpCode },
    headers: { 'X-CSRF-Token': csrf },
  });
  assert.equal(second.status(), 200, `POST /v1/session/verify: ${await second.text()}`);
  assert.equal((await second.json()).stage, 'done');
}

/** A browser signed in as `username` (see signInContext). */
export async function signedInBrowser(server, username, totpCode, size) {
  const opened = await openBrowser(size);
  await signInContext(opened.context, server, username, totpCode);
  return opened;
}

/** A browser signed in as `username` on the Security info page, its console watched. */
export async function openSecurityInfo(server, username, code) {
  const { page } = await signedInBrowser(server, username, code);
  const problems = watchConsole(page);
  await page.goto(`${server.url}/security-info`);
  await page.getByRole('heading', { name: 'Security info', level: 1 }).waitFor();
  await page.locator('#content').waitFor();
  return { page, problems };
}

/**
 * Collects the page's console errors, uncaught exceptions and CSP violations. With
 * `allowFailedRequests`, Chromium's "Failed to load resource" lines (a 4xx answer the page
 * handles and shows) are not counted.
 */
export function watchConsole(page, { allowFailedRequests = true } = {}) {
  const problems = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (allowFailedRequests && text.startsWith('Failed to load resource')) return;
    problems.push(`console: ${text}`);
  });
  page.on('pageerror', (error) => problems.push(`exception: ${error.message}`));
  return problems;
}

/** Waits until `locator`'s text matches `pattern` (a RegExp or a substring). */
export async function expectText(locator, pattern, { timeout = 15000 } = {}) {
  let last = '';
  await waitFor(async () => {
    last = (await locator.innerText()).trim();
    return typeof pattern === 'string' ? last.includes(pattern) : pattern.test(last);
  }, { timeout, message: `text ${pattern} (last seen: ${JSON.stringify(last)})` });
  return last;
}

/** Answers the open confirm dialog with its confirming button. */
export async function confirm(page) {
  const dialog = page.locator('dialog.confirm-dialog');
  await dialog.waitFor();
  await dialog.locator('button.danger').click();
  await dialog.waitFor({ state: 'detached' });
}

/** The user's devices as the admin API lists them (active and deactivated). */
export async function devicesOf(server, userId) {
  return (await server.api('GET', `/v1/users/${userId}/authenticators`)).items;
}
