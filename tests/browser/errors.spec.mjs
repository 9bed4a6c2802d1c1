// Errors the person sees carry the server's correlation id, worded for the help desk:
// a wrong password, a wrong verification code, and a password the server refuses.
import {
  test, startServer, createUser, addDevice, openBrowser, enterPassword, kPassword, assert,
} from './harness.mjs';

const kReference = /Reference: (\S+) \(quote this to your help desk\)/;

// The alert's text, the correlation id it shows, and the one the server sent for POST `path`.
async function errorFor(page, path, act) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === path
      && r.status() >= 400),
    act(),
  ]);
  const alert = page.getByRole('alert');
  await alert.getByText(kReference).waitFor();
  const text = await alert.textContent();
  return { text, shown: text.match(kReference)[1], sent: response.headers()['x-correlation-id'] };
}

test('a wrong password shows the message and the correlation id of the answer', async () => {
  const server = await startServer();
  await createUser(server, { username: 'uma', password: kPassword });
  const { page } = await openBrowser({ width: 375, height: 700 });
  await page.goto(`${server.url}/`);
  await page.getByLabel('Username').fill('uma');
  await page.getByLabel('Password').fill('not-the-password-at-all');
  const error = await errorFor(page, '/v1/session', () => page.getByLabel('Password').press('Enter'));
  assert.match(error.text, /^The username or password is not right\. — Reference: /);
  assert.equal(error.shown, error.sent);
  const audit = await server.api('GET', '/v1/audit?type=session.password');
  assert.ok(audit.items.some((item) => item.correlation_id === error.shown), 'the help desk finds it in the audit log');
  assert.equal(await page.getByLabel('Password').evaluate((el) => el === document.activeElement), true);
});

test('a wrong verification code shows the message and the correlation id', async () => {
  const server = await startServer();
  const user = await createUser(server, { username: 'vik', password: kPassword });
  const device = await addDevice(server, user);
  const { page } = await openBrowser();
  await enterPassword(page, server, { username: 'vik' });
  await page.getByRole('button', { name: 'Use a verification code from my authenticator app' }).click();
  const right = Number.parseInt(device.code(), 10);
  const wrong = String((right + 500000) % 1000000).padStart(6, '0');
  const input = page.getByLabel('Verification code from your authenticator app');
  await input.fill(wrong);
  const error = await errorFor(page, '/v1/session/verify', () => input.press('Enter'));
  assert.match(error.text, /^That code is not right\. Check it and try again\. — Reference: /);
  assert.equal(error.shown, error.sent);
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  assert.equal(new URL(page.url()).pathname, '/', 'still at the second step');
});

test('a weak password at registration shows the server\'s reason and the correlation id', async () => {
  const server = await startServer();
  const user = await createUser(server, { username: 'wes', displayName: 'Wes' });
  const { page } = await openBrowser();
  await page.goto(user.registration_url);
  await page.getByLabel('New password').fill('password1234');
  await page.getByLabel('Type the password again').fill('password1234');
  const error = await errorFor(page, '/v1/registration', () => page.getByRole('button', { name: 'Set password' }).click());
  assert.equal(error.shown, error.sent);
  assert.ok(error.text.length > error.text.indexOf(' — Reference:') && error.text.indexOf(' — Reference:') > 5, error.text);
  assert.equal(await page.getByLabel('New password').getAttribute('aria-invalid'), 'true');
});
