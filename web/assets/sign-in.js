// The sign-in page (/): username and password (POST /v1/session), then the second step the
// answer allows — a push with number matching (long-polled), a code from the authenticator
// app, a texted or spoken code, or the help desk's temporary access code — with "Don't ask
// again for X days" when the organisation allows it. Then on to Security info, or to the
// registration page when a new method must be set up first.
import { api, $, show, showError, setStatus, explain, go, signOut } from './api.js';

const kLabels = {
  push: 'Approve a request on my authenticator app',
  totp: 'Use a verification code from my authenticator app',
  sms: 'Text me a code',
  voice: 'Call me with a code',
  temporary_access: 'Use a temporary access code',
};

const minutes = (seconds) => Math.max(1, Math.ceil(seconds / 60));

const kMessages = {
  invalid_credentials: 'The username or password is not right.',
  invalid_code: 'That code is not right. Check it and try again.',
  replayed_code: 'That code was used already. Wait for the next code in your app and try again.',
  code_expired: 'That code has expired. Ask for a new one.',
  locked_out: (e) => (e.retryAfter
    ? `Too many failed attempts. Try again in ${minutes(e.retryAfter)} minute(s).`
    : 'Too many failed attempts. Try again later.'),
  user_blocked: 'Your account is blocked. Contact your help desk.',
  user_disabled: 'Your account is disabled. Contact your help desk.',
  too_many_requests: (e) => `Too many attempts. Wait ${e.retryAfter || 60} seconds and try again.`,
  too_many_codes: 'Too many codes were sent. Wait a few minutes and try again.',
  too_many_pushes: 'Too many requests were sent to your app. Wait a minute and try again.',
  no_active_device: 'Your account has no active authenticator app. Choose another way to sign in.',
  unauthenticated: 'Your sign-in has timed out. Sign in again.',
  invalid_stage: 'This sign-in step is over. Sign in again.',
};

const errorBox = $('error');
const statusLine = $('status');
let state = { methods: [], preferred: '', rememberDays: 0 };
let pushRun = 0;

function fail(error) {
  showError(errorBox, explain(error, kMessages));
}

function clearMessages() {
  showError(errorBox, null);
  setStatus(statusLine, '');
}

function remember() {
  return state.rememberDays > 0 && $('remember').checked;
}

function finish(stage) {
  if (stage === 'register') {
    setStatus(statusLine, 'Signed in. Now set up a new sign-in method…', 'ok');
    go('/register');
    return;
  }
  setStatus(statusLine, 'Signed in. Opening Security info…', 'ok');
  go('/security-info');
}

// ---------------------------------------------------------------- step 1

async function submitPassword(event) {
  event.preventDefault();
  clearMessages();
  const username = $('username').value.trim();
  const password = $('password').value;
  if (!username || !password) {
    fail({ message: 'Enter your username and password.' });
    $(username ? 'password' : 'username').focus();
    return;
  }
  const button = $('sign-in');
  button.disabled = true;
  try {
    const answer = await api('POST', '/v1/session', { username, password });
    $('password').value = '';
    if (answer.stage === 'mfa') {
      startSecondStep(answer);
    } else {
      finish(answer.stage);
    }
  } catch (error) {
    fail(error);
    $('password').select();
    $('password').focus();
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------- step 2

function startSecondStep(answer) {
  state = {
    methods: answer.methods || [],
    preferred: answer.preferred_method || (answer.methods || [])[0] || '',
    rememberDays: Number(answer.remember_days) || 0,
  };
  show($('password-step'), false);
  show($('second-step'), true);
  show($('sign-out'), true);
  const days = state.rememberDays;
  $('remember-label').textContent = `Don't ask again for ${days} ${days === 1 ? 'day' : 'days'} on this browser`;
  $('remember').checked = false;
  if (!state.methods.length) {
    fail({ message: 'Your account has no way to finish signing in. Contact your help desk.' });
    return;
  }
  chooseMethod(state.preferred);
}

function chooseMethod(method) {
  pushRun += 1;  // a push still waiting is no longer watched
  clearMessages();
  for (const id of ['method-push', 'method-totp', 'method-phone', 'method-temporary']) {
    show($(id), false);
  }
  show($('remember-row'), state.rememberDays > 0 && method !== 'temporary_access');
  $('remember').disabled = false;
  listOtherMethods(method);
  if (method === 'push') showPush();
  else if (method === 'totp') showCodeForm('method-totp', 'totp-code');
  else if (method === 'sms' || method === 'voice') showPhone(method);
  else showCodeForm('method-temporary', 'temporary-code');
}

function listOtherMethods(method) {
  const list = $('other-method-list');
  list.replaceChildren();
  for (const other of state.methods.filter((m) => m !== method && kLabels[m])) {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'link';
    button.textContent = kLabels[other];
    button.addEventListener('click', () => chooseMethod(other));
    item.append(button);
    list.append(item);
  }
  show($('other-methods'), list.children.length > 0);
}

function showCodeForm(formId, inputId) {
  const input = $(inputId);
  input.value = '';
  input.removeAttribute('aria-invalid');
  show($(formId), true);
  input.focus();
}

async function verifyCode(method, inputId) {
  clearMessages();
  const input = $(inputId);
  const code = input.value.replace(/[\s-]/g, '');
  if (!code) {
    fail({ message: 'Enter the code.' });
    input.focus();
    return;
  }
  const body = { method, code };
  if (method !== 'temporary_access') body.remember = remember();
  try {
    const answer = await api('POST', '/v1/session/verify', body);
    input.removeAttribute('aria-invalid');
    finish(answer.stage);
  } catch (error) {
    fail(error);
    input.setAttribute('aria-invalid', 'true');
    input.select();
    input.focus();
  }
}

// ---------------------------------------------------------------- push

function showPush() {
  show($('method-push'), true);
  show($('push-start'), true);
  show($('push-wait'), false);
  show($('push-retry-row'), false);
  $('push-send').focus();
}

const kPushOutcomes = {
  denied: (reason) => (reason === 'number_mismatch'
    ? 'The number entered in the app did not match. The sign-in was not approved.'
    : 'The request was denied in the app.'),
  expired: () => 'The request expired before it was answered.',
  fraud: () => 'You reported this request as fraud. Your account is blocked; contact your help desk.',
};

async function sendPush() {
  const run = ++pushRun;
  clearMessages();
  show($('push-start'), false);
  show($('push-retry-row'), false);
  $('remember').disabled = true;
  setStatus(statusLine, 'Sending a request to your app…');
  try {
    const push = await api('POST', '/v1/session/push', { remember: remember() });
    if (run !== pushRun) return;
    $('push-number').textContent = push.number;
    const expires = new Date(push.expires_at);
    $('push-expiry').textContent = `The request is valid until ${expires.toLocaleTimeString()}.`;
    show($('push-wait'), true);
    setStatus(statusLine, `Waiting for you to approve the request in the app. Enter ${push.number}.`);
    await watchPush(run, push.txid);
  } catch (error) {
    if (run !== pushRun) return;
    setStatus(statusLine, '');
    fail(error);
    pushEnded();
  }
}

async function watchPush(run, txid) {
  const target = `/v1/session/push/${encodeURIComponent(txid)}?wait=25`;
  for (;;) {
    const answer = await api('GET', target);
    if (run !== pushRun) return;
    if (answer.status === 'pending') continue;
    if (answer.status === 'approved') {
      setStatus(statusLine, 'Approved.', 'ok');
      finish(answer.stage);
      return;
    }
    const outcome = kPushOutcomes[answer.status] || (() => `The request ended (${answer.status}).`);
    setStatus(statusLine, outcome(answer.reason), 'bad');
    pushEnded(answer.status !== 'fraud');
    return;
  }
}

function pushEnded(mayRetry = true) {
  show($('push-wait'), false);
  $('remember').disabled = false;
  show($('push-retry-row'), mayRetry);
  if (mayRetry) $('push-retry').focus();
}

// ---------------------------------------------------------------- text and voice codes

function showPhone(method) {
  $('phone-title').textContent = method === 'sms' ? 'Get a code by text message' : 'Get a code by phone call';
  $('phone-send').textContent = method === 'sms' ? 'Text me a code' : 'Call me';
  $('method-phone').dataset.method = method;
  show($('method-phone'), true);
  show($('phone-send-row'), true);
  show($('phone-form'), false);
  $('phone-send').focus();
}

async function sendPhoneCode() {
  clearMessages();
  const method = $('method-phone').dataset.method;
  try {
    const sent = await api('POST', '/v1/session/send-code', { method });
    $('phone-sent').textContent = method === 'sms'
      ? `We sent a code by text message to ${sent.number}.`
      : `We are calling ${sent.number} to read you a code.`;
    show($('phone-send-row'), false);
    showCodeForm('phone-form', 'phone-code');
    setStatus(statusLine, 'Code sent.', 'ok');
  } catch (error) {
    fail(error);
  }
}

// ---------------------------------------------------------------- start

async function showCurrentSession() {
  try {
    const session = await api('GET', '/v1/session');
    if (session.stage === 'done') {
      $('signed-in-user').textContent = session.user.username;
      show($('password-step'), false);
      show($('signed-in-step'), true);
      show($('sign-out'), true);
      return;
    }
    if (session.stage === 'register') {
      go('/register');
      return;
    }
  } catch {
    // No session (401): sign in from the start.
  }
  $('username').focus();
}

function wire() {
  $('password-form').addEventListener('submit', submitPassword);
  $('method-totp').addEventListener('submit', (event) => {
    event.preventDefault();
    verifyCode('totp', 'totp-code');
  });
  $('phone-form').addEventListener('submit', (event) => {
    event.preventDefault();
    verifyCode($('method-phone').dataset.method, 'phone-code');
  });
  $('method-temporary').addEventListener('submit', (event) => {
    event.preventDefault();
    verifyCode('temporary_access', 'temporary-code');
  });
  $('push-send').addEventListener('click', sendPush);
  $('push-retry').addEventListener('click', sendPush);
  $('phone-send').addEventListener('click', sendPhoneCode);
  $('phone-resend').addEventListener('click', sendPhoneCode);
  for (const id of ['sign-out', 'cancel', 'signed-in-sign-out']) {
    $(id).addEventListener('click', () => {
      pushRun += 1;
      signOut();
    });
  }
}

wire();
showCurrentSession();
