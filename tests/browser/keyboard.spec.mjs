// The sign-in with the keyboard alone: the cursor starts in Username, Tab and Enter do the
// rest, and the focused control always shows a visible focus ring.
import { test, startServer, createUser, addDevice, openBrowser, kPassword, assert } from './harness.mjs';

async function focusRing(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return { id: el.id, text: el.textContent.trim(), outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
  });
}

test('signs in with Tab, typing and Enter only, with a visible focus ring', async () => {
  const server = await startServer();
  await server.api('PATCH', '/v1/settings', { remember_days: 0 });
  const user = await createUser(server, { username: 'kai', password: kPassword });
  const device = await addDevice(server, user);
  const { page } = await openBrowser();
  await page.goto(`${server.url}/`);

  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'username');
  await page.keyboard.type('kai');
  await page.keyboard.press('Tab');
  await page.keyboard.type(kPassword);
  await page.keyboard.press('Tab');
  const submit = await focusRing(page);
  assert.equal(submit.text, 'Sign in');
  assert.equal(submit.outline, 'solid', 'the focused button shows its focus ring');
  assert.ok(submit.width >= 2);
  await page.keyboard.press('Enter');

  await page.getByRole('heading', { name: 'Verify your identity' }).waitFor();
  assert.equal(await page.getByLabel(/Don't ask again/).isVisible(), false, 'not offered when remember_days is 0');
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'push-send');
  await page.keyboard.press('Tab');
  const other = await focusRing(page);
  assert.equal(other.text, 'Use a verification code from my authenticator app');
  assert.equal(other.outline, 'solid');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'totp-code');
  await page.keyboard.type(device.code());
  await page.keyboard.press('Enter');
  await page.waitForURL(`${server.url}/security-info`);
});
