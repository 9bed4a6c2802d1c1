// A lost phone: the help desk issues a temporary access code; the person signs in with it,
// is sent to set up a new method and picks a phone number; the next sign-in uses a text
// message code (read from the server's SMS outbox, as the person would read their phone).
import {
  test, startServer, createUser, addDevice, openBrowser, enterPassword, kPassword, assert,
} from './harness.mjs';

async function toSecondStep(page, server) {
  await enterPassword(page, server, { username: 'lena' });
  await page.getByRole('heading', { name: 'Verify your identity' }).waitFor();
}

test('temporary access code, then a phone number as the new method, then a text message code', async () => {
  const server = await startServer();
  const user = await createUser(server, { username: 'lena', password: kPassword });
  await addDevice(server, user, { name: 'Lost phone' });
  const { code } = await server.api('POST', `/v1/users/${user.id}/temporary-access`, { hours: 1 });
  const { page } = await openBrowser({ width: 375, height: 760 });

  await toSecondStep(page, server);
  await page.getByRole('button', { name: 'Use a temporary access code' }).click();
  assert.equal(await page.locator('#remember-row').isVisible(), false, 'no "don\'t ask again" for a help-desk code');
  await page.getByLabel('Temporary access code').fill(code.toUpperCase());
  await page.getByLabel('Temporary access code').press('Enter');
  await page.waitForURL(`${server.url}/register`);
  await page.getByRole('heading', { name: 'Set up a sign-in method' }).waitFor();

  await page.getByRole('button', { name: 'Use a phone number' }).click();
  await page.getByLabel('Mobile phone number').fill('+31 6 12345678');
  await page.getByLabel('Mobile phone number').press('Enter');
  const verify = page.getByLabel('Code you received');
  await Promise.race([
    verify.waitFor(),
    page.getByRole('heading', { name: "You're all set" }).waitFor(),
  ]);
  if (await verify.isVisible()) {
    await verify.fill(server.lastCode('+31612345678'));
    await verify.press('Enter');
  }
  await page.getByRole('heading', { name: "You're all set" }).waitFor();
  await page.getByText(/Your phone number .+ (was added|was verified and added)\./).first().waitFor();
  const methods = await server.api('GET', `/v1/users/${user.id}/methods`);
  assert.deepEqual(methods.phones.map((p) => [p.type, p.number]), [['mobile', '+31612345678']]);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await toSecondStep(page, server);
  // The lost phone is still active (push stays the first choice): pick text messages.
  const textChoice = page.locator('#other-method-list').getByRole('button', { name: 'Text me a code' });
  if (await textChoice.count()) await textChoice.click();
  await page.locator('#method-phone').getByRole('button', { name: 'Text me a code' }).click();
  await page.getByText('We sent a code by text message to').waitFor();
  const sms = server.lastCode('+31612345678');
  assert.match(sms, /^\d{6}$/);
  await page.getByLabel('Code you received').fill(sms);
  await page.getByLabel('Code you received').press('Enter');
  await page.waitForURL(`${server.url}/security-info`);
});
