// The pages' one way to the JSON API (../shared/API.md) and their shared small DOM helpers.
//
// Exports:
//   api(method, path, body?) -> Promise<object|null>
//       fetch() with the session cookie (same origin), a JSON body when given, and the
//       X-CSRF-Token header on POST/PUT/PATCH/DELETE. Keeps the csrf_token of every answer
//       that carries one. Resolves to the parsed JSON body (null for an empty one, e.g. 204);
//       rejects with an ApiError for any non-2xx answer or a network failure.
//   class ApiError extends Error { status, code, message, correlationId, field, retryAfter }
//       status is 0 for a network failure; correlationId comes from the error body or the
//       X-Correlation-ID header; retryAfter is in seconds (0 when absent).
//   errorText(error) -> string
//       "message — Reference: <correlation id> (quote this to your help desk)".
//   showError(element, error)   fills `element` (a role="alert" box) with errorText and a
//       <code> holding the correlation id, and shows it; showError(element, null) hides it.
//   setStatus(element, text, tone?)  sets a polite aria-live status line ("" hides it);
//       tone 'ok' or 'bad' colours it (classes .status.ok / .status.bad).
//   explain(error, messages) -> ApiError  the same error with a friendlier message when
//       messages[error.code] exists (a string, or a function of the error returning one);
//       status, code and correlation id are kept.
//   setCsrfToken(token) / csrfToken() / clearCsrfToken()
//       the session's CSRF token, kept in sessionStorage (never in a URL).
//   $(id) -> HTMLElement        document.getElementById that throws when the id is missing.
//   show(element, visible)      toggles the `hidden` attribute.
//   go(path)                    location.assign(path).
//   signOut() -> Promise<void>  DELETE /v1/session (ignoring errors), forgets the CSRF token
//       and goes to the sign-in page.
//   wireSignOut(element)        makes a link or button call signOut().

const kCsrfKey = 'twostep.csrf';
const kWrites = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class ApiError extends Error {
  constructor({ status, code, message, correlationId, field = '', retryAfter = 0 }) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.correlationId = correlationId;
    this.field = field;
    this.retryAfter = retryAfter;
  }
}

export function csrfToken() {
  return sessionStorage.getItem(kCsrfKey) || '';
}

export function setCsrfToken(token) {
  if (typeof token === 'string' && token) sessionStorage.setItem(kCsrfKey, token);
}

export function clearCsrfToken() {
  sessionStorage.removeItem(kCsrfKey);
}

function requestOptions(method, body) {
  const headers = { Accept: 'application/json' };
  const options = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  const token = csrfToken();
  if (kWrites.has(method) && token) headers['X-CSRF-Token'] = token;
  return options;
}

async function readJson(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function errorFrom(response, json) {
  const error = (json && json.error) || {};
  const header = Number.parseInt(response.headers.get('Retry-After') || '0', 10);
  return new ApiError({
    status: response.status,
    code: error.code || `http_${response.status}`,
    message: error.message || `The server answered ${response.status} ${response.statusText}`.trim(),
    correlationId: error.correlation_id || response.headers.get('X-Correlation-ID') || '',
    field: error.field || '',
    retryAfter: Number.isFinite(header) ? header : 0,
  });
}

export async function api(method, path, body) {
  const verb = method.toUpperCase();
  let response;
  try {
    response = await fetch(path, requestOptions(verb, body));
  } catch (cause) {
    throw new ApiError({
      status: 0,
      code: 'network_error',
      message: 'The server could not be reached. Check your connection and try again.',
      correlationId: '',
    });
  }
  const json = await readJson(response);
  if (!response.ok) throw errorFrom(response, json);
  if (json && typeof json.csrf_token === 'string') setCsrfToken(json.csrf_token);
  return json;
}

export function errorText(error) {
  const message = (error && error.message) || 'Something went wrong.';
  const id = error && error.correlationId;
  return id ? `${message} — Reference: ${id} (quote this to your help desk)` : message;
}

export function showError(element, error) {
  element.replaceChildren();
  if (!error) {
    element.hidden = true;
    return;
  }
  const message = (error && error.message) || 'Something went wrong.';
  element.append(document.createTextNode(message));
  if (error.correlationId) {
    const reference = document.createElement('span');
    reference.className = 'reference';
    const code = document.createElement('code');
    code.textContent = error.correlationId;
    reference.append(' — Reference: ', code, ' (quote this to your help desk)');
    element.append(reference);
  }
  element.hidden = false;
}

export function setStatus(element, text, tone = '') {
  element.textContent = text;
  element.classList.toggle('ok', tone === 'ok');
  element.classList.toggle('bad', tone === 'bad');
  element.hidden = !text;
}

export function explain(error, messages) {
  const entry = error && messages[error.code];
  if (!entry) return error;
  const message = typeof entry === 'function' ? entry(error) : entry;
  return new ApiError({ ...error, message });
}

export function $(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no element #${id}`);
  return element;
}

export function show(element, visible) {
  element.hidden = !visible;
}

export function go(path) {
  window.location.assign(path);
}

export async function signOut() {
  try {
    await api('DELETE', '/v1/session');
  } catch {
    // Signed out already (or the session expired): the page goes to sign-in either way.
  }
  clearCsrfToken();
  go('/');
}

export function wireSignOut(element) {
  element.addEventListener('click', (event) => {
    event.preventDefault();
    signOut();
  });
}
