// Signing in with a push: the person types the username and password, asks for a request,
// and then only types the two-digit number the page shows into the companion app (here the
// reference app reading answers on stdin, the way a person would type them).
import {
  test, startServer, createUser, addDevice, openBrowser, enterPassword, kPassword, assert,
} from './harness.mjs';

async function signInToSecondStep(page, server, username) {
  await enterPassword(page, server, { username });
  await page.getByRole('heading', { name: 'Verify your identity' }).waitFor();
}

async function numberShown(page) {
  const number = page.locator('#push-number');
  await number.waitFor({ state: 'visible' });
  const text = (await number.textContent()).trim();
  assert.match(text, /^\d{2}$/, 'a two-digit number is shown');
  return text;
}

test('push with number matching: the number on the page approves the sign-in', async () => {
  const server = await startServer();
  const user = await createUser(server, { username: 'sam', password: kPassword });
  const device = await addDevice(server, user, { name: 'Sam’s phone' });
  const app = device.listen({ interactive: true });
  await app.waitFor('ready');
  const { page } = await openBrowser();

  await signInToSecondStep(page, server, 'sam');
  await page.getByRole('button', { name: 'Send request to my app' }).press('Enter');
  const number = await numberShown(page);
  await page.locator('#status').getByText(`Enter ${number}`).waitFor();
  const push = await app.waitFor('push');
  assert.equal(push.context.app, 'twostep sign-in');

  app.answer(number);
  await page.waitForURL(`${server.url}/security-info`);
  const session = await page.evaluate(() => fetch('/v1/session').then((r) => r.json()));
  assert.equal(session.stage, 'done');
  assert.equal(session.user.username, 'sam');
});

test('a wrong number is refused, the page says so, and another request works', async () => {
  const server = await startServer();
  const user = await createUser(server, { username: 'ines', password: kPassword });
  const device = await addDevice(server, user);
  const app = device.listen({ interactive: true });
  await app.waitFor('ready');
  const { page } = await openBrowser({ width: 375, height: 740 });

  await signInToSecondStep(page, server, 'ines');
  await page.getByRole('button', { name: 'Send request to my app' }).click();
  const first = await numberShown(page);
  const push = await app.waitFor('push');
  app.answer(first === '10' ? '11' : '10');
  await page.getByText('The number entered in the app did not match').waitFor();
  await app.waitFor('result', { where: (line) => line.txid === push.txid });

  await page.getByRole('button', { name: 'Send another request' }).click();
  const second = await numberShown(page);
  await app.waitFor('push', { where: (line) => line.txid !== push.txid });
  app.answer(second);
  await page.waitForURL(`${server.url}/security-info`);
});
