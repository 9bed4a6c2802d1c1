// The registration page (/register): from the administrator's link (…/register#token=…)
// the person sets a password, then sets up a first sign-in method — the twostep app by QR
// code (the page watches the activation and moves on when the phone completes it), another
// authenticator app (otpauth QR + a first code), or a phone number (verified when the server
// asks). Also the page a signed-in person lands on when the sign-in is at the "register"
// stage (after a temporary access code). The token travels only in JSON bodies and is wiped
// from the address bar at once.
import { api, $, show, showError, setStatus, explain, signOut } from './api.js';

const kMessages = {
  registration_not_found: 'This registration link is not valid: it may have been used already '
    + 'or replaced by a newer one. Ask your help desk for a new link.',
  registration_expired: 'This registration link has expired. Ask your help desk for a new one.',
  invalid_code: 'That code is not right. Check it and try again.',
  unauthenticated: 'Your sign-in has timed out. Sign in again to continue.',
  too_many_oath_tokens: 'You have too many authenticator apps waiting to be confirmed. '
    + 'Contact your help desk.',
};

const kStepIds = ['loading', 'no-link-step', 'password-step', 'signin-step', 'method-step', 'done-step'];
const kPanels = { app: 'app-panel', oath: 'oath-panel', phone: 'phone-panel' };
const kPollMs = 2000;

const errorBox = $('error');
const statusLine = $('status');
let registrationToken = '';
let panelRun = 0;
let activation = null;
let oathToken = null;
let phoneVerification = '';

function fail(error, input) {
  showError(errorBox, explain(error, kMessages));
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
}

function clearMessages() {
  showError(errorBox, null);
  setStatus(statusLine, '');
  for (const input of document.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

function showStep(id) {
  for (const step of kStepIds) show($(step), step === id);
  const heading = $(id).querySelector('h1');
  if (heading) heading.focus();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const timeOf = (text) => new Date(text).toLocaleString();

// The token from the fragment, which is then removed from the address bar and history.
function takeToken() {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const token = params.get('token') || '';
  if (window.location.hash) {
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return token;
}

// ---------------------------------------------------------------- the password

async function lookUpLink() {
  try {
    const link = await api('POST', '/v1/registration/lookup', { token: registrationToken });
    $('welcome-name').textContent = link.user.display_name || link.user.username;
    $('welcome-username').textContent = link.user.username;
    $('account-username').value = link.user.username;
    $('link-expiry').textContent = timeOf(link.expires_at);
    showStep('password-step');
    $('new-password').focus();
  } catch (error) {
    showStep('no-link-step');
    fail(error);
  }
}

async function submitPassword(event) {
  event.preventDefault();
  clearMessages();
  const password = $('new-password').value;
  if (password !== $('confirm-password').value) {
    fail({ message: 'The two passwords are not the same. Type them again.' }, $('confirm-password'));
    return;
  }
  const button = $('set-password');
  button.disabled = true;
  try {
    const answer = await api('POST', '/v1/registration', { token: registrationToken, password });
    registrationToken = '';
    $('new-password').value = '';
    $('confirm-password').value = '';
    show($('sign-out'), true);
    afterStage(answer.stage);
  } catch (error) {
    fail(error, error.code === 'weak_password' ? $('new-password') : null);
  } finally {
    button.disabled = false;
  }
}

function afterStage(stage) {
  if (stage === 'register') {
    showStep('method-step');
    setStatus(statusLine, 'Password set. Now choose a sign-in method.', 'ok');
  } else if (stage === 'done') {
    $('done-message').textContent = 'Your account is set up.';
    showStep('done-step');
  } else {
    showStep('signin-step');
  }
}

// ---------------------------------------------------------------- choosing a method

function choose(kind) {
  panelRun += 1;
  clearMessages();
  for (const [name, panel] of Object.entries(kPanels)) {
    show($(panel), name === kind);
    $(`choose-${name}`).setAttribute('aria-pressed', String(name === kind));
  }
  if (kind === 'app') startApp(panelRun);
  else if (kind === 'oath') startOath();
  else startPhone();
}

async function complete(message) {
  panelRun += 1;
  try {
    await api('POST', '/v1/session/complete-registration');
    $('done-message').textContent = message;
    setStatus(statusLine, '');
    showStep('done-step');
  } catch (error) {
    fail(error);
  }
}

// ---------------------------------------------------------------- the twostep app

function activationPath(id) {
  return `/v1/me/authenticators/activations/${encodeURIComponent(id)}`;
}

async function startApp(run) {
  try {
    if (!activation || new Date(activation.expires_at) <= new Date()) {
      activation = await api('POST', '/v1/me/authenticators/activations', {});
    }
    if (run !== panelRun) return;
    $('app-qr').src = `${activationPath(activation.activation_id)}/qr.png`;
    $('app-code').textContent = activation.code;
    $('app-url').textContent = activation.url;
    $('app-expiry').textContent = `This code works until ${timeOf(activation.expires_at)}.`;
    show($('app-qr'), true);
    show($('app-renew-row'), false);
    setStatus(statusLine, 'Waiting for your phone to finish setting up the app…');
    await watchActivation(run, activation.activation_id);
  } catch (error) {
    if (run === panelRun) fail(error);
  }
}

async function watchActivation(run, id) {
  while (run === panelRun) {
    const status = await api('GET', activationPath(id));
    if (run !== panelRun) return;
    if (status.status === 'completed') {
      activation = null;
      await deviceAdded(status.device_id);
      return;
    }
    if (status.status === 'expired') {
      activation = null;
      show($('app-qr'), false);
      setStatus(statusLine, 'The QR code expired before the app used it.', 'bad');
      show($('app-renew-row'), true);
      $('app-renew').focus();
      return;
    }
    await sleep(kPollMs);
  }
}

async function deviceAdded(deviceId) {
  let name = 'Your phone';
  try {
    const devices = await api('GET', '/v1/me/authenticators');
    const device = (devices.items || []).find((item) => item.id === deviceId);
    if (device) name = `Your phone “${device.display_name}”`;
  } catch {
    // The name is a nicety: the device was added either way.
  }
  await complete(`${name} was added. You can now approve sign-ins in the twostep app.`);
}

// ---------------------------------------------------------------- another authenticator app

async function startOath() {
  try {
    if (!oathToken) {
      oathToken = await api('POST', '/v1/me/oath-tokens', { display_name: 'Authenticator app' });
    }
    $('oath-qr').src = `/v1/me/oath-tokens/${encodeURIComponent(oathToken.id)}/qr.png`;
    $('oath-secret').textContent = oathToken.secret.replace(/(.{4})/g, '$1 ').trim();
    $('oath-code').value = '';
    $('oath-code').focus();
  } catch (error) {
    fail(error);
  }
}

async function confirmOath(event) {
  event.preventDefault();
  clearMessages();
  const input = $('oath-code');
  const code = input.value.replace(/\s/g, '');
  if (!code || !oathToken) {
    fail({ message: 'Enter the code your app shows.' }, input);
    return;
  }
  try {
    await api('POST', `/v1/me/oath-tokens/${encodeURIComponent(oathToken.id)}/verify`, { code });
    oathToken = null;
    await complete('Your authenticator app was added. Use its codes when you sign in.');
  } catch (error) {
    fail(error, input);
    input.select();
  }
}

// ---------------------------------------------------------------- a phone number

function startPhone() {
  show($('phone-form'), true);
  show($('phone-verify-form'), false);
  $('phone-number').focus();
}

async function savePhone(event) {
  event.preventDefault();
  clearMessages();
  const input = $('phone-number');
  const number = input.value.trim();
  if (!number) {
    fail({ message: 'Enter your mobile phone number.' }, input);
    return;
  }
  const method = $('phone-voice').checked ? 'voice' : 'sms';
  try {
    const answer = await api('PUT', '/v1/me/phones/mobile', { number, method });
    if (answer.verification_id) {
      phoneVerification = answer.verification_id;
      $('phone-sent').textContent = method === 'sms'
        ? `We sent a code by text message to ${answer.sent_to}. Type it below.`
        : `We are calling ${answer.sent_to} to read you a code. Type it below.`;
      show($('phone-form'), false);
      show($('phone-verify-form'), true);
      $('phone-code').value = '';
      $('phone-code').focus();
      return;
    }
    await complete(`Your phone number ${answer.phone.display || answer.phone.number} was added.`);
  } catch (error) {
    fail(error, error.field === 'number' || error.code === 'invalid_phone_number' ? input : null);
  }
}

async function verifyPhone(event) {
  event.preventDefault();
  clearMessages();
  const input = $('phone-code');
  const code = input.value.replace(/[\s-]/g, '');
  if (!code) {
    fail({ message: 'Enter the code you received.' }, input);
    return;
  }
  try {
    const answer = await api('POST', `/v1/me/phones/verifications/${encodeURIComponent(phoneVerification)}`, { code });
    await complete(`Your phone number ${answer.phone.display || answer.phone.number} was verified and added.`);
  } catch (error) {
    fail(error, input);
    input.select();
  }
}

// ---------------------------------------------------------------- start

async function start() {
  registrationToken = takeToken();
  if (registrationToken) {
    await lookUpLink();
    return;
  }
  try {
    const session = await api('GET', '/v1/session');
    show($('sign-out'), true);
    if (session.stage === 'mfa') {
      showStep('signin-step');
      return;
    }
    afterStage(session.stage);
    setStatus(statusLine, '');
  } catch {
    showStep('no-link-step');
  }
}

function wire() {
  $('password-form').addEventListener('submit', submitPassword);
  for (const kind of Object.keys(kPanels)) {
    $(`choose-${kind}`).addEventListener('click', () => choose(kind));
  }
  $('app-renew').addEventListener('click', () => choose('app'));
  $('oath-form').addEventListener('submit', confirmOath);
  $('phone-form').addEventListener('submit', savePhone);
  $('phone-verify-form').addEventListener('submit', verifyPhone);
  $('sign-out').addEventListener('click', () => {
    panelRun += 1;
    signOut();
  });
  // A registration link pasted into this tab changes only the fragment: start over with it.
  window.addEventListener('hashchange', () => {
    if (!window.location.hash.includes('token=')) return;
    panelRun += 1;
    clearMessages();
    start();
  });
}

wire();
start();
