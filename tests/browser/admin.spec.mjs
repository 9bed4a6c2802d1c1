// The admin console in real Chromium against the real server: an administrator's tasks —
// find stale devices and sweep them after a dry run (the server's clock moved 100 days on),
// help a user (search, unblock after a fraud report, temporary access code, new link,
// re-registration, the user's audit trail), add, disable and enable a user, settings with
// validation, and the audit log.
import { assert, createUser, kPassword, startServer, test, waitFor } from './harness.mjs';
import { kDay, testClock, totpAt } from './clock.mjs';
import {
  confirm, devicesOf, expectText, signedInBrowser, userWithOathApp, userWithPhone, watchConsole,
} from './console-support.mjs';

async function openAdmin(server, secret, unixSeconds, tab = '') {
  const { page } = await signedInBrowser(server, 'ada', totpAt(secret, unixSeconds));
  const problems = watchConsole(page);
  await page.goto(`${server.url}/admin${tab ? `#${tab}` : ''}`);
  await page.getByRole('heading', { name: 'Admin console', level: 1 }).waitFor();
  await page.locator('#console').waitFor();
  return { page, problems };
}

function row(page, scope, text) {
  return page.locator(`${scope} tbody tr`).filter({ hasText: text });
}

test('the admin finds a stale device and removes it after a dry run', async (t) => {
  const clock = testClock(t);
  const server = await startServer({ env: clock.env });
  const { secret } = await userWithOathApp(server, 'ada', { role: 'admin' });
  const { user: bob, device: lost } = await userWithPhone(server, 'bob', { deviceName: 'Lost phone' });
  const { device: current } = await userWithPhone(server, 'carol', { deviceName: 'Carol phone' });

  // 100 days later Carol's phone has been in touch; Bob's lost phone never was again.
  clock.advance(100 * kDay);
  const listener = current.listen();
  await listener.waitFor('ready');
  await listener.stop();

  const { page, problems } = await openAdmin(server, secret, clock.now(), 'devices');
  await page.getByLabel('Not seen for (days)').fill('90');
  await page.getByRole('button', { name: 'Show devices' }).click();
  await expectText(page.locator('#device-summary'), '1 not seen for 90 days');
  const lostRow = row(page, '#device-list', 'Lost phone');
  await waitFor(async () => (await lostRow.getAttribute('class')) === 'stale', { message: 'the lost phone highlighted' });
  assert.equal(await row(page, '#device-list', 'Carol phone').getAttribute('class'), null);

  // The dry run lists it and changes nothing.
  await page.getByRole('button', { name: 'Dry run sweep' }).click();
  const result = page.locator('#sweep-result');
  await expectText(result, 'Dry run: 1 device would be removed');
  assert.ok((await result.innerText()).includes('Lost phone'));
  assert.ok(!(await result.innerText()).includes('Carol phone'));
  assert.equal((await devicesOf(server, bob.id)).find((d) => d.id === lost.id).status, 'active');

  // Confirmed, the sweep removes it (reason "stale") and the list updates.
  await page.getByRole('button', { name: 'Remove this device' }).click();
  await confirm(page);
  await expectText(page.locator('#status'), 'Removed 1 stale device');
  await waitFor(async () => (await lostRow.count()) === 0, { message: 'the lost phone to leave the list' });
  assert.equal(await row(page, '#device-list', 'Carol phone').count(), 1);
  const swept = (await devicesOf(server, bob.id)).find((d) => d.id === lost.id);
  assert.equal(swept.status, 'deactivated');
  assert.equal(swept.deactivated_reason, 'stale');
  assert.deepEqual(problems, []);
});

test('the admin helps a user: unblock, temporary access code, new link, re-registration', async () => {
  const server = await startServer();
  const { secret } = await userWithOathApp(server, 'ada', { role: 'admin' });
  const { user: bob, device } = await userWithPhone(server, 'bob', { deviceName: 'Bob phone' });

  // Bob reports a push he did not start as fraud: he is blocked.
  const application = await server.api('POST', '/v1/applications', { name: 'VPN' });
  const listener = device.listen({ fraud: true });
  await listener.waitFor('ready');
  await server.api('POST', '/v1/auth/push', { username: 'bob', context: {} }, { token: application.api_key });
  await waitFor(async () => (await server.api('GET', `/v1/users/${bob.id}`)).status === 'blocked',
    { message: 'bob to be blocked' });

  const { page, problems } = await openAdmin(server, secret, Math.floor(Date.now() / 1000));
  await page.getByLabel('Search by username or name').fill('bob');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expectText(page.locator('#user-results'), '1 user matching "bob"');
  await page.getByRole('button', { name: 'Open bob' }).click();
  const detail = page.locator('#user-detail');
  await expectText(detail, 'Bob phone');
  await expectText(detail.locator('dl.details'), 'blocked');
  await expectText(detail, 'push.fraud');

  await detail.getByRole('button', { name: 'Unblock' }).click();
  await expectText(page.locator('#status'), 'bob is unblocked');
  assert.equal((await server.api('GET', `/v1/users/${bob.id}`)).status, 'active');

  // A temporary access code, shown once, that really signs Bob in (to register a phone).
  await detail.getByLabel('Valid for (hours)').fill('4');
  await detail.getByRole('button', { name: 'Issue temporary access code' }).click();
  const code = (await page.locator('#once-value').innerText()).trim();
  assert.match(code, /^[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4}$/);
  const signIn = await server.request('POST', '/v1/session', { username: 'bob', password: kPassword }, { token: null });
  const cookie = signIn.headers['set-cookie'][0].split(';')[0];
  const verified = await server.api('POST', '/v1/session/verify', { method: 'temporary_access', code },
    { token: null, headers: { Cookie: cookie, 'X-CSRF-Token': signIn.json.csrf_token } });
  assert.equal(verified.stage, 'register');

  await detail.getByRole('button', { name: 'Send a new registration link' }).click();
  await expectText(page.locator('#once-value'), /\/register#token=/);

  await detail.getByRole('button', { name: 'Require re-registration' }).click();
  await confirm(page);
  await expectText(page.locator('#status'), 'Every method of bob was removed (1 device(s))');
  await expectText(detail, 'No active authenticator device.');
  await expectText(page.locator('#once-value'), /\/register#token=/);
  assert.equal((await devicesOf(server, bob.id))[0].deactivated_reason, 'admin_reregistration');
  assert.deepEqual(problems, []);
});

test('settings show the server\'s validation next to the field; the audit log filters', async () => {
  const server = await startServer();
  const { secret } = await userWithOathApp(server, 'ada', { role: 'admin' });
  await createUser(server, { username: 'frank' });
  const { page, problems } = await openAdmin(server, secret, Math.floor(Date.now() / 1000), 'settings');

  const remember = page.getByLabel('"Don\'t ask again" for this many days');
  await remember.fill('400');
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/v1/settings') && r.request().method() === 'PATCH'),
    page.getByRole('button', { name: 'Save settings' }).click(),
  ]);
  assert.equal(response.status(), 400);
  await expectText(page.locator('#setting-remember_days-message'), /remember_days/);
  assert.equal(await remember.getAttribute('aria-invalid'), 'true');
  await expectText(page.locator('#settings-section .section-error'), response.headers()['x-correlation-id']);
  assert.equal((await server.api('GET', '/v1/settings')).remember_days !== 400, true);

  await remember.fill('21');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expectText(page.locator('#status'), 'Settings saved');
  assert.equal((await server.api('GET', '/v1/settings')).remember_days, 21);
  assert.equal(await remember.getAttribute('aria-invalid'), null);

  await page.getByRole('button', { name: 'Audit log' }).click();
  await page.getByLabel('Event type').fill('user.created');
  await page.getByRole('button', { name: 'Show events' }).click();
  const audit = page.locator('#audit-list');
  await expectText(audit, 'frank');
  const types = await audit.locator('td[data-label="Event"]').allInnerTexts();
  assert.ok(types.length >= 2 && types.every((type) => type === 'user.created'), types.join());
  assert.deepEqual(problems, []);
});

test('the admin adds a user (refusals next to the field), then disables and enables them', async () => {
  const server = await startServer();
  const { secret } = await userWithOathApp(server, 'ada', { role: 'admin' });
  const { page, problems } = await openAdmin(server, secret, Math.floor(Date.now() / 1000));

  await page.getByText('Add a user').click();
  const username = page.getByLabel('Username', { exact: true });
  await username.fill('bad name!');
  await page.getByLabel('Display name').fill('Ivan Example');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expectText(page.locator('#new-username-message'), 'username must be');
  assert.equal(await username.getAttribute('aria-invalid'), 'true');

  await username.fill('ivan');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expectText(page.locator('#status'), 'ivan was added');
  await expectText(page.locator('#once-value'), /\/register#token=/);
  await expectText(page.locator('#user-detail-title'), 'Ivan Example (ivan)');
  const ivan = (await server.api('GET', '/v1/users?q=ivan')).items[0];
  assert.equal(ivan.display_name, 'Ivan Example');

  const detail = page.locator('#user-detail');
  await detail.getByRole('button', { name: 'Disable sign-in' }).click();
  await confirm(page);
  await expectText(page.locator('#status'), 'ivan is disabled');
  assert.equal((await server.api('GET', `/v1/users/${ivan.id}`)).status, 'disabled');
  await detail.getByRole('button', { name: 'Enable sign-in' }).click();
  await expectText(page.locator('#status'), 'ivan is enabled');
  assert.equal((await server.api('GET', `/v1/users/${ivan.id}`)).status, 'active');
  assert.deepEqual(problems, []);
});

test('a signed-in user who is not an admin is told so', async () => {
  const server = await startServer();
  const { device } = await userWithPhone(server, 'gina');
  const { page } = await signedInBrowser(server, 'gina', device.code());
  const problems = watchConsole(page);
  await page.goto(`${server.url}/admin`);
  await expectText(page.locator('#not-admin'), 'This page is for administrators');
  assert.equal(await page.locator('#console').isVisible(), false);
  assert.deepEqual(problems, []);
});
