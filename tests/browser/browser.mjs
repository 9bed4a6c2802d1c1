// The browser tests' Chromium: Debian's /usr/bin/chromium driven by playwright-core (which
// never downloads a browser), headless, trusting the test server's self-signed certificate;
// and the steps of the sign-in page that several specs share.
import fs from 'node:fs';

import { decodeQr } from './device.mjs';
import { addPrerequisite, currentTest, onCleanup } from './runner.mjs';
import { kPassword } from './server.mjs';

const kChromium = '/usr/bin/chromium';
const kSetupHint = 'run scripts/setup (it installs Debian\'s chromium and runs npm ci in tests/browser)';

let playwright = null;

addPrerequisite(async () => {
  if (!fs.existsSync(kChromium)) throw new Error(`${kChromium} is missing: ${kSetupHint}`);
  try {
    playwright = await import('playwright-core');
  } catch (error) {
    throw new Error(`playwright-core cannot be loaded (${error.code || error.message}): ${kSetupHint}`);
  }
});

export async function openBrowser({ width = 1280, height = 800 } = {}) {
  const browser = await playwright.chromium.launch({
    executablePath: kChromium,
    args: ['--no-sandbox', '--headless=new'],
  });
  const state = currentTest();
  onCleanup(() => browser.close());
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width, height } });
  context.setDefaultTimeout(15000);
  const problems = [];
  const watch = (page) => {
    if (state.pages.includes(page)) return;
    state.pages.push(page);
    page.on('pageerror', (error) => problems.push(`uncaught error on ${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) problems.push(`CSP on ${page.url()}: ${message.text()}`);
    });
  };
  context.on('page', watch);
  const page = await context.newPage();
  watch(page);
  onCleanup(() => {
    if (problems.length) throw new Error(`the pages reported:\n${problems.join('\n')}`);
  });
  return { browser, context, page };
}

export async function qrFromImage(page, selector) {
  const base64 = await page.locator(selector).evaluate(async (img) => {
    const response = await fetch(img.src, { credentials: 'same-origin', cache: 'no-store' });
    if (!response.ok) throw new Error(`GET ${img.src} -> ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary);
  });
  return decodeQr(Buffer.from(base64, 'base64'));
}

export async function enterPassword(page, server, { username, password = kPassword }) {
  await page.goto(`${server.url}/`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
}

export async function signIn(page, server, { username, password = kPassword, device }) {
  await enterPassword(page, server, { username, password });
  await page.getByRole('heading', { name: 'Verify your identity' }).waitFor();
  if (!(await page.locator('#method-totp').isVisible())) {
    await page.getByRole('button', { name: 'Use a verification code from my authenticator app' }).click();
  }
  await page.getByLabel('Verification code from your authenticator app').fill(device.code());
  await page.getByLabel('Verification code from your authenticator app').press('Enter');
  await page.waitForURL(`${server.url}/security-info`);
}
