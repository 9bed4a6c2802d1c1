// The Security info page in real Chromium against the real server: each test is one of the
// seed's tasks done the way a person does it (labels and buttons, no page internals).
import { assert, Device, openBrowser, qrFromImage, startServer, test, waitFor } from './harness.mjs';
import { confirm, devicesOf, expectText, openSecurityInfo, userWithPhone } from './console-support.mjs';

async function methodsOf(server, user) {
  return server.api('GET', `/v1/users/${user.id}/methods`);
}

function phoneOf(methods, type) {
  return methods.phones.find((p) => p.type === type);
}

test('change the primary phone with verification, then add an alternate phone', async () => {
  const server = await startServer();
  const { user, device } = await userWithPhone(server, 'bob');
  const { page, problems } = await openSecurityInfo(server, 'bob', device.code());
  const status = page.locator('#status');
  const mobile = page.getByLabel('Mobile phone', { exact: true });
  const mobileForm = page.locator('form[data-slot="mobile"]');

  // A first mobile number is saved at once: no default method depends on it yet.
  await mobile.fill('+31 6 12345678');
  await mobileForm.getByRole('button', { name: 'Add' }).click();
  await expectText(status, 'mobile phone number was saved');
  assert.equal(phoneOf(await methodsOf(server, user), 'mobile').number, '+31612345678');

  // Texting becomes the default method, so the mobile number is now the one it uses.
  await page.getByLabel('When I sign in, ask me to').selectOption('sms');
  await page.locator('#preferred-form').getByRole('button', { name: 'Save' }).click();
  await expectText(status, 'Text a code to my mobile phone');
  assert.equal((await methodsOf(server, user)).preferred_method, 'sms');

  // The seed's rule: the new number gets a code, and is saved only once it is entered.
  await mobile.fill('+31 6 87654300');
  await mobileForm.getByRole('button', { name: 'Save' }).click();
  const codeField = page.getByLabel(/^Code sent to/);
  await codeField.waitFor();
  assert.equal(phoneOf(await methodsOf(server, user), 'mobile').number, '+31612345678');
  const code = await waitFor(() => server.lastCode('+31687654300'), { message: 'the verification text' });

  // A wrong code is refused with its reason, and still nothing is saved.
  await codeField.fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expectText(page.locator('#phones-section .section-error'), /code/i);
  assert.equal(phoneOf(await methodsOf(server, user), 'mobile').number, '+31612345678');

  await codeField.fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expectText(status, 'verified and saved');
  const changed = phoneOf(await methodsOf(server, user), 'mobile');
  assert.equal(changed.number, '+31687654300');
  assert.equal(changed.verified, true);
  assert.match(await mobile.inputValue(), /87654300/);
  assert.equal(await codeField.count(), 0);

  // An alternate number is saved at once, without a code.
  await page.getByLabel('Alternate authentication phone', { exact: true }).fill('+31 6 87654321');
  await page.locator('form[data-slot="alternate_mobile"]').getByRole('button', { name: 'Add' }).click();
  await expectText(status, 'alternate authentication phone number was saved');
  assert.equal(phoneOf(await methodsOf(server, user), 'alternate_mobile').number, '+31687654321');
  assert.equal(server.lastCode('+31687654321'), '', 'no code is sent to an alternate number');
  assert.deepEqual(problems, []);
});

test('move to a new phone by QR code, then remove an old phone', async () => {
  const server = await startServer();
  const { user, device: oldPhone } = await userWithPhone(server, 'carol');
  const tabletActivation = await server.api('POST', `/v1/users/${user.id}/authenticators/activations`, {});
  const tablet = await Device.activate(server, { uri: tabletActivation.activation_uri, name: 'Tablet' });
  const { page, problems } = await openSecurityInfo(server, 'carol', oldPhone.code());
  const list = page.locator('#devices-list');
  await expectText(list, 'Old phone');
  await expectText(list, 'Tablet');

  // Replace the old phone: the page shows the QR code and the code for typing it in.
  await page.getByLabel('New phone').selectOption({ label: 'Replace Old phone (move to a new phone)' });
  await page.getByRole('button', { name: 'Set up a new phone' }).click();
  const uri = await waitFor(() => qrFromImage(page, '#activation-qr'), { message: 'a readable QR code' });
  assert.match(uri, /^twostep:\/\/activate\?code=/);
  const typed = await page.locator('#activation-code').innerText();
  assert.equal(new URL(uri).searchParams.get('code'), typed);

  // The new phone scans it; the page sees the activation finish by itself.
  const newPhone = await Device.activate(server, { uri, name: 'New phone' });
  await expectText(page.locator('#status'), 'Your new phone is ready', { timeout: 20000 });
  await expectText(list, 'New phone');
  assert.ok(!(await list.innerText()).includes('Old phone'), 'the replaced phone left the list');
  let devices = await devicesOf(server, user.id);
  assert.equal(devices.find((d) => d.id === oldPhone.id).deactivated_reason, 'replaced');
  assert.equal(devices.find((d) => d.id === newPhone.id).status, 'active');

  // Remove the tablet: confirm first, then the list updates.
  await page.getByRole('button', { name: 'Remove Tablet' }).click();
  await confirm(page);
  await expectText(page.locator('#status'), 'Tablet was removed');
  await waitFor(async () => !(await list.innerText()).includes('Tablet'), { message: 'the tablet to leave the list' });
  devices = await devicesOf(server, user.id);
  assert.equal(devices.find((d) => d.id === tablet.id).deactivated_reason, 'user_removed');
  assert.deepEqual(problems, []);
});

test('create an app password, use it once, and delete it', async () => {
  const server = await startServer();
  const { device } = await userWithPhone(server, 'dave');
  const application = await server.api('POST', '/v1/applications', { name: 'Mail server' });
  const check = (password) => server.api('POST', '/v1/auth/app-password', { username: 'dave', password },
    { token: application.api_key });
  const { page, problems } = await openSecurityInfo(server, 'dave', device.code());

  await page.getByLabel('Name', { exact: true }).fill('Mail on my laptop');
  await page.getByRole('button', { name: 'Create app password' }).click();
  const shown = page.locator('#app-password-value');
  await shown.waitFor();
  const password = (await shown.innerText()).trim();
  assert.match(password, /^[a-z]{16}$/);
  await page.getByRole('button', { name: 'Copy password' }).waitFor();
  assert.equal((await check(password)).status, 'approved');

  // Shown once: after a reload the list has it, with its last use, but never the password.
  await page.reload();
  const list = page.locator('#app-passwords-list');
  await expectText(list, 'Mail on my laptop');
  assert.ok(!(await page.locator('body').innerText()).includes(password));
  const lastUsed = page.locator('#app-passwords-list td[data-label="Last used"]');
  assert.notEqual((await lastUsed.innerText()).trim(), 'Never');

  await page.getByRole('button', { name: 'Delete app password Mail on my laptop' }).click();
  await confirm(page);
  await expectText(list, 'You have no app passwords.');
  const denied = await check(password);
  assert.equal(denied.status, 'denied');
  assert.equal(denied.reason, 'invalid_password');
  assert.deepEqual(problems, []);
});

test('an error shows its correlation ID; trusted browsers are restored; no session goes to sign-in', async () => {
  const server = await startServer();
  const { device } = await userWithPhone(server, 'erin');

  const anonymous = await openBrowser();
  await anonymous.page.goto(`${server.url}/security-info`);
  await anonymous.page.waitForURL(`${server.url}/`);

  const { page, problems } = await openSecurityInfo(server, 'erin', device.code());
  await page.getByLabel('Alternate authentication phone', { exact: true }).fill('12');
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/v1/me/phones/alternate_mobile')),
    page.locator('form[data-slot="alternate_mobile"]').getByRole('button', { name: 'Add' }).click(),
  ]);
  assert.equal(response.status(), 400);
  const correlationId = response.headers()['x-correlation-id'];
  assert.ok(correlationId);
  const error = page.locator('#phones-section .section-error');
  const text = await expectText(error, correlationId);
  assert.match(text, /quote this to your help desk/);
  assert.equal(await error.locator('code').innerText(), correlationId);

  const restore = page.getByRole('button', {
    name: 'Restore multi-factor authentication on previously trusted devices', exact: true,
  });
  await restore.click();
  await expectText(page.locator('#status'), 'will ask for the second step again');
  assert.deepEqual(problems, []);
});
