// "Don't ask again for X days": a TOTP sign-in that ticks it, a second sign-in in the same
// browser that skips the second step, "Restore multi-factor authentication on previously
// trusted devices" on the Security info page, and a third sign-in that asks again.
import {
  test, startServer, createUser, addDevice, openBrowser, enterPassword, kPassword, assert, waitFor,
} from './harness.mjs';

const kRestore = 'Restore multi-factor authentication on previously trusted devices';

async function signOut(page, server) {
  await page.goto(`${server.url}/`);
  await page.getByRole('heading', { name: 'You are signed in' }).waitFor();
  await page.locator('#signed-in-step').getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

test('TOTP with "Don\'t ask again", a sign-in without the second step, restore, asked again', async (t) => {
  const server = await startServer();
  await server.api('PATCH', '/v1/settings', { remember_days: 14 });
  const user = await createUser(server, { username: 'tess', password: kPassword });
  const device = await addDevice(server, user);
  const { page } = await openBrowser();

  await enterPassword(page, server, { username: 'tess' });
  await page.getByRole('heading', { name: 'Verify your identity' }).waitFor();
  await page.getByRole('button', { name: 'Use a verification code from my authenticator app' }).click();
  await page.getByLabel("Don't ask again for 14 days on this browser").check();
  await page.getByLabel('Verification code from your authenticator app').fill(device.code());
  await page.getByLabel('Verification code from your authenticator app').press('Enter');
  await page.waitForURL(`${server.url}/security-info`);
  const remembered = await server.api('GET', `/v1/users/${user.id}/methods`);
  assert.equal(remembered.trusted_browsers.count, 1, 'this browser is remembered');

  await signOut(page, server);
  await enterPassword(page, server, { username: 'tess' });
  await page.waitForURL(`${server.url}/security-info`);
  const session = await page.evaluate(() => fetch('/v1/session').then((r) => r.json()));
  assert.equal(session.stage, 'done', 'no second step on the remembered browser');

  await page.getByRole('button', { name: kRestore, exact: true }).click();
  await waitFor(async () => (await server.api('GET', `/v1/users/${user.id}/methods`)).trusted_browsers.count === 0,
    { message: 'every remember token to end' });
  t.log('restored through the Security info page');

  await signOut(page, server);
  await enterPassword(page, server, { username: 'tess' });
  await page.getByRole('heading', { name: 'Verify your identity' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/');
});
