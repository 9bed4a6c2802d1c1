// The sign-in, Security info and admin pages at desktop (1280x800) and phone (390x844)
// width, with realistic data. Every run checks that each page renders its content without
// console errors, uncaught exceptions or Content-Security-Policy violations (Chromium's
// "Failed to load resource" line for an answer a page expects and handles, such as a 401
// before signing in, is not one); with
// SCREENSHOTS=1 it also writes the PNGs to docs/screenshots/ (shown in the README).
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assert, Device, oathCode, openBrowser, startServer, test } from './harness.mjs';
import { kDay, testClock, totpAt } from './clock.mjs';
import { signInContext, userWithOathApp, userWithPhone, watchConsole } from './console-support.mjs';

const kSizes = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
const kOutDir = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const writing = process.env.SCREENSHOTS === '1';

async function shoot(page, name, size) {
  await page.setViewportSize(kSizes[size]);
  // Let layout settle after the resize (fonts, wrapped tables).
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  if (!writing) return;
  fs.mkdirSync(kOutDir, { recursive: true });
  await page.screenshot({ path: `${kOutDir}${name}-${size}.png`, fullPage: true });
}

async function shootBoth(page, name) {
  for (const size of Object.keys(kSizes)) await shoot(page, name, size);
}

// Alex's methods, added the way the Security info page adds them (the session's API).
async function furnish(context, server) {
  const me = await (await context.request.get(`${server.url}/v1/me`)).json();
  const write = async (method, target, data) => {
    const response = await context.request.fetch(`${server.url}${target}`, {
      method, data, headers: { 'X-CSRF-Token': me.csrf_token },
    });
    assert.ok(response.ok(), `${method} ${target}: ${await response.text()}`);
    return response.json();
  };
  await write('PUT', '/v1/me/phones/mobile', { number: '+31 6 12345678' });
  await write('PUT', '/v1/me/phones/alternate_mobile', { number: '+31 6 87654321' });
  await write('PATCH', '/v1/me/preferences', { preferred_method: 'push' });
  const token = await write('POST', '/v1/me/oath-tokens', { display_name: '1Password' });
  await write('POST', `/v1/me/oath-tokens/${token.id}/verify`, { code: oathCode(token.secret) });
  await write('POST', '/v1/me/app-passwords', { name: 'Mail on my laptop' });
}

test('the pages render cleanly at desktop and phone width', async (t) => {
  const clock = testClock(t);
  const server = await startServer({ env: clock.env });
  const { secret } = await userWithOathApp(server, 'ada', { role: 'admin' });
  const alex = await userWithPhone(server, 'alex', { deviceName: 'Pixel 8' });
  const activation = await server.api('POST', `/v1/users/${alex.user.id}/authenticators/activations`, {});
  const iphone = await Device.activate(server, { uri: activation.activation_uri, name: 'iPhone 12', platform: 'ios' });
  await userWithPhone(server, 'sam', { deviceName: 'Galaxy S21' });

  const { context, page } = await openBrowser(kSizes.desktop);
  const problems = watchConsole(page);

  await page.goto(`${server.url}/`);
  await page.locator('input').first().waitFor();
  await shootBoth(page, 'sign-in');

  await signInContext(context, server, 'alex', alex.device.code());
  await furnish(context, server);
  await page.goto(`${server.url}/security-info`);
  await page.locator('#content').waitFor();
  await page.locator('#app-passwords-list table').waitFor();
  await shootBoth(page, 'security-info');

  // 100 days on, only the iPhone has been in touch: Sam's phone and the Pixel are stale.
  clock.advance(100 * kDay);
  const listener = iphone.listen();
  await listener.waitFor('ready');
  await listener.stop();
  const admin = await openBrowser(kSizes.desktop);
  const adminProblems = watchConsole(admin.page);
  await signInContext(admin.context, server, 'ada', totpAt(secret, clock.now()));
  await admin.page.goto(`${server.url}/admin`);
  await admin.page.getByRole('button', { name: 'Open alex' }).click();
  await admin.page.locator('#user-detail table').first().waitFor();
  await shootBoth(admin.page, 'admin-user');
  await admin.page.getByRole('button', { name: 'Devices', exact: true }).click();
  await admin.page.locator('#device-list tr.stale').first().waitFor();
  await admin.page.getByRole('button', { name: 'Dry run sweep' }).click();
  await admin.page.locator('#sweep-result table').waitFor();
  await shootBoth(admin.page, 'admin-devices');

  assert.deepEqual(problems, []);
  assert.deepEqual(adminProblems, []);
  t.log(writing ? `screenshots written to ${kOutDir}` : 'rendered (SCREENSHOTS=1 writes the PNGs)');
});
