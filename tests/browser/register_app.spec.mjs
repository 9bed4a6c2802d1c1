// A new user's whole first visit: the administrator's registration link, a password, then
// "Set up the authenticator app": the test reads the QR code from the page's image, decodes
// it with zbarimg and activates the reference companion app with it, and the page notices
// the phone by itself and shows it as added.
import {
  test, startServer, createUser, openBrowser, qrFromImage, oathCode, Device, kPassword, assert, waitFor,
} from './harness.mjs';

test('registers from the link and activates the app from the QR code on the page', async () => {
  const server = await startServer();
  const user = await createUser(server, { username: 'rosa', displayName: 'Rosa Diaz' });
  const { page } = await openBrowser({ width: 390, height: 844 });

  await page.goto(user.registration_url);
  await page.getByRole('heading', { name: 'Welcome, Rosa Diaz' }).waitFor();
  assert.equal(new URL(page.url()).hash, '', 'the token is wiped from the address bar');
  assert.equal(new URL(page.url()).pathname, '/register');

  await page.getByLabel('New password').fill(kPassword);
  await page.getByLabel('Type the password again').fill(kPassword);
  await page.getByLabel('Type the password again').press('Enter');
  await page.getByRole('heading', { name: 'Set up a sign-in method' }).waitFor();

  await page.getByRole('button', { name: 'Set up the authenticator app' }).click();
  const qr = page.getByRole('img', { name: 'QR code to scan with the twostep authenticator app' });
  await qr.waitFor();
  await waitFor(() => qr.evaluate((img) => img.complete && img.naturalWidth > 0), { message: 'the QR image to load' });
  const uri = await qrFromImage(page, '#app-qr');
  assert.match(uri, /^twostep:\/\/activate\?code=[^&]+&url=/);
  const shownCode = (await page.locator('#app-code').textContent()).trim();
  assert.ok(uri.includes(`code=${encodeURIComponent(shownCode)}&`), `the manual code ${shownCode} is the QR's (${uri})`);
  assert.equal((await page.locator('#app-url').textContent()).trim(), `${server.url}/v1/activate`);

  const device = await Device.activate(server, { uri, name: 'Rosa’s phone' });
  await page.getByText('Your phone “Rosa’s phone” was added.').first().waitFor({ timeout: 10000 });
  await page.getByRole('heading', { name: "You're all set" }).waitFor();

  const methods = await server.api('GET', `/v1/users/${user.id}/methods`);
  assert.deepEqual(methods.authenticators.map((d) => d.id), [device.id]);
  const session = await page.evaluate(() => fetch('/v1/session').then((r) => r.json()));
  assert.equal(session.stage, 'done', 'the registration finished the sign-in');

  // The link was spent: opening it again explains that, with a reference.
  await page.goto(user.registration_url);
  const alert = page.getByRole('alert');
  await alert.getByText('This registration link is not valid').waitFor();
  assert.match(await alert.textContent(), /Reference: \S+ \(quote this to your help desk\)/);
});

test('an authenticator app of another vendor: otpauth QR code and a first code', async () => {
  const server = await startServer();
  const user = await createUser(server, { username: 'omar', displayName: 'Omar Haddad' });
  const { page } = await openBrowser();
  await page.goto(user.registration_url);
  await page.getByLabel('New password').fill(kPassword);
  await page.getByLabel('Type the password again').fill(kPassword);
  await page.getByRole('button', { name: 'Set password' }).click();

  await page.getByRole('button', { name: 'Use another authenticator app' }).click();
  const qr = page.getByRole('img', { name: 'QR code to scan with your authenticator app' });
  await waitFor(() => qr.evaluate((img) => img.complete && img.naturalWidth > 0), { message: 'the QR image to load' });
  const uri = await qrFromImage(page, '#oath-qr');
  const secret = new URL(uri).searchParams.get('secret');
  assert.match(uri, /^otpauth:\/\/totp\/twostep:omar\?/);
  assert.equal((await page.locator('#oath-secret').textContent()).replace(/\s/g, ''), secret);

  await page.getByLabel('Code from the app').fill(oathCode(secret));
  await page.getByLabel('Code from the app').press('Enter');
  await page.getByText('Your authenticator app was added.').first().waitFor();
  const methods = await server.api('GET', `/v1/users/${user.id}/methods`);
  assert.equal(methods.oath_tokens.length, 1);
  assert.equal(methods.oath_tokens[0].status, 'active');
});
