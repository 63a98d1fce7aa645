// The console's calls to the controller. The token (when the controller asks for one) is kept
// in sessionStorage, sent in X-Auth-Token on every call, the event stream included: the stream
// is read with fetch rather than EventSource, which cannot send headers, so the token never
// travels in a URL or a cookie.

const TOKEN_KEY = 'herd.console.token';
const API = 'api/';

/** A refusal: HTTP status, the API's code, the field it names (may be empty) and its message. */
export class ApiError extends Error {
  constructor(status, code, field, message) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(value) {
  if (value) {
    sessionStorage.setItem(TOKEN_KEY, value);
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
  }
}

function headers(extra) {
  const h = Object.assign({'Accept': 'application/json'}, extra || {});
  if (token()) {
    h['X-Auth-Token'] = token();
  }
  return h;
}

async function answer(response) {
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  if (!response.ok) {
    const err = (body && body.error) || {};
    throw new ApiError(response.status, err.code || 'HTTP_' + response.status, err.field || '',
        err.message || response.statusText || 'the controller answered ' + response.status);
  }
  return body;
}

/** GET api/{path}. */
export async function get(path) {
  return answer(await fetch(API + path, {headers: headers(), cache: 'no-store'}));
}

/** POST api/{path} with a JSON body. */
export async function post(path, body) {
  return answer(await fetch(API + path, {
    method: 'POST', headers: headers({'Content-Type': 'application/json'}), body: JSON.stringify(body)}));
}

/** DELETE api/{path}. */
export async function del(path) {
  return answer(await fetch(API + path, {method: 'DELETE', headers: headers()}));
}

/**
 * Reads the event stream until it ends or `signal` aborts it, calling onEvent(name, data) for
 * each server-sent event. Throws ApiError when the stream is refused.
 */
export async function stream(onEvent, signal) {
  const response = await fetch(API + 'events', {
    headers: headers({'Accept': 'text/event-stream'}), cache: 'no-store', signal});
  if (!response.ok) {
    await answer(response);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const {value, done} = await reader.read();
    if (done) {
      return;
    }
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) {
          name = line.slice(7);
        } else if (line.startsWith('data: ')) {
          data += line.slice(6);
        }
      }
      if (data) {
        onEvent(name, JSON.parse(data));
      }
    }
  }
}
