// The Security info page, continued (a file of its own so that each ctest stays well inside
// its time limit): a third-party authenticator app added from its QR code, and the whole
// page used with the keyboard alone.
import { assert, oathCode, qrFromImage, startServer, test, waitFor } from './harness.mjs';
import { confirm, devicesOf, expectText, openSecurityInfo, userWithPhone } from './console-support.mjs';

test('add a third-party authenticator app from its QR code and first code, then remove it', async () => {
  const server = await startServer();
  const { user, device } = await userWithPhone(server, 'hana');
  const { page, problems } = await openSecurityInfo(server, 'hana', device.code());

  await page.getByLabel('Name of the app').fill('FreeOTP');
  await page.getByRole('button', { name: 'Add an authenticator app' }).click();
  const uri = await waitFor(() => qrFromImage(page, '#oath-qr'), { message: 'a readable QR code' });
  assert.match(uri, /^otpauth:\/\/totp\//);
  const secret = new URL(uri).searchParams.get('secret');
  assert.equal(secret, (await page.locator('#oath-secret').innerText()).trim());
  await expectText(page.locator('#oath-list'), 'Waiting for its first code');

  await page.getByLabel('First code shown by FreeOTP').fill(oathCode(secret));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expectText(page.locator('#status'), 'FreeOTP is set up');
  await expectText(page.locator('#oath-list'), 'In use');
  assert.equal((await server.api('GET', `/v1/users/${user.id}/methods`)).oath_tokens[0].status, 'active');

  await page.getByRole('button', { name: 'Remove FreeOTP' }).click();
  await confirm(page);
  await expectText(page.locator('#oath-list'), 'No other authenticator app yet.');
  assert.deepEqual((await server.api('GET', `/v1/users/${user.id}/methods`)).oath_tokens, []);
  assert.deepEqual(problems, []);
});

test('keyboard only: every control is reached with Tab, shows its focus, and the dialog answers Escape', async () => {
  const server = await startServer();
  const { user, device } = await userWithPhone(server, 'fay');
  const { page, problems } = await openSecurityInfo(server, 'fay', device.code());

  // Tab through the whole page, noting each stop's name and whether its focus is drawn.
  const stops = [];
  for (let i = 0; i < 60; i += 1) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const node = document.activeElement;
      const label = node.labels && node.labels[0] ? node.labels[0].innerText : '';
      return {
        name: node.getAttribute('aria-label') || label || node.innerText || node.tagName,
        outline: getComputedStyle(node).outlineStyle,
      };
    });
    stops.push(stop);
    if (stop.name === 'Create app password') break;
  }
  const names = stops.map((s) => s.name.trim());
  for (const expected of ['When I sign in, ask me to', 'Remove Old phone', 'Set up a new phone', 'Mobile phone',
    'Alternate authentication phone', 'Office phone',
    'Restore multi-factor authentication on previously trusted devices', 'Create app password']) {
    assert.ok(names.includes(expected), `Tab reaches "${expected}" (stops: ${names.join(' | ')})`);
  }
  const unseen = stops.filter((s) => s.outline === 'none');
  assert.deepEqual(unseen, [], 'every focused control draws its focus');

  // Remove with the keyboard: Escape cancels; Tab to the confirming button and Enter removes.
  const remove = page.getByRole('button', { name: 'Remove Old phone' });
  await remove.focus();
  await page.keyboard.press('Enter');
  const dialog = page.locator('dialog.confirm-dialog');
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.innerText), 'Cancel');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal((await devicesOf(server, user.id))[0].status, 'active');

  await remove.focus();
  await page.keyboard.press('Enter');
  await dialog.waitFor();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expectText(page.locator('#status'), 'Old phone was removed');
  assert.equal((await devicesOf(server, user.id))[0].deactivated_reason, 'user_removed');
  assert.deepEqual(problems, []);
});
