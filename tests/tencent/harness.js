// Page side of tests/e2e/support/tencent_sdk.py: creates one instance of Tencent's web SDK
// (@tencentcloud/chat, loaded unmodified from node_modules) and records what it does, so
// that Python can drive it with page.evaluate. Everything is in window.H:
//
//   H.create(options)            TencentCloudChat.create(options), log level 0, the upload
//                                plugin registered, every EVENT recorded in H.events
//   H.call(method, args, keep, ms)
//                                chat[method](...args), awaited at most ms:
//                                {ok, code} | {error: {code, message}} | {timeout}
//   H.wait(since, ms)            the events after index `since`, as soon as there is one
//                                (or [] after ms)
//   H.refs                       live objects kept by name (messages as "msg:<ID>"); an
//                                argument {"__ref__": name, "path": [...]} stands for one
//   H.errors                     CSP violations and unhandled rejections seen by the page
'use strict';
(function () {
  const H = {chat: null, events: [], errors: [], refs: {}, listeners: [], t0: Date.now()};
  window.H = H;

  addEventListener('securitypolicyviolation', (e) => {
    H.errors.push(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'}` +
                  ` at ${e.sourceFile || '?'}:${e.lineNumber || 0}`);
  });
  addEventListener('unhandledrejection', (e) => {
    const r = e.reason;
    H.errors.push(`unhandled rejection: ${r && r.code !== undefined ? `code ${r.code} ` : ''}` +
                  `${r && r.message !== undefined ? r.message : String(r)}`);
  });

  // A JSON-safe copy: functions and "_private" keys dropped, cycles cut, files described.
  H.plain = function plain(value, stack = []) {
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
    if (typeof value === 'bigint') return String(value);
    if (value === null || typeof value !== 'object') return value;
    if (stack.includes(value) || stack.length > 30) return '[cycle]';
    if (value instanceof Date) return value.toISOString();
    if (typeof Blob !== 'undefined' && value instanceof Blob) {
      return {blob: true, name: value.name, size: value.size, type: value.type};
    }
    stack.push(value);
    let out;
    if (Array.isArray(value)) {
      out = value.map((v) => { const p = plain(v, stack); return p === undefined ? null : p; });
    } else {
      out = {};
      for (const key of Object.keys(value)) {
        if (key.startsWith('_')) continue;
        const p = plain(value[key], stack);
        if (p !== undefined) out[key] = p;
      }
    }
    stack.pop();
    return out;
  };

  // Keep every message object seen (sent, listed, received) as H.refs["msg:<ID>"].
  const isMessage = (v) => v && typeof v === 'object' && typeof v.ID === 'string' &&
                           'conversationID' in v && 'payload' in v;
  H.remember = function remember(value, depth = 0) {
    if (!value || typeof value !== 'object' || depth > 3) return;
    if (isMessage(value)) { H.refs['msg:' + value.ID] = value; return; }
    if (Array.isArray(value)) { for (const v of value) remember(v, depth + 1); return; }
    for (const key of ['message', 'messageList', 'data']) {
      if (key in value) remember(value[key], depth + 1);
    }
  };

  H.resolve = function resolve(arg) {
    if (Array.isArray(arg)) return arg.map(resolve);
    if (!arg || typeof arg !== 'object') return arg;
    if (typeof arg.__ref__ === 'string') {
      if (!(arg.__ref__ in H.refs)) throw new Error(`harness: no object kept as ${arg.__ref__}`);
      let v = H.refs[arg.__ref__];
      for (const key of arg.path || []) v = v[key];
      return v;
    }
    const out = {};
    for (const [k, v] of Object.entries(arg)) out[k] = resolve(v);
    return out;
  };

  H.record = function record(name, data) {
    H.remember(data);
    H.events.push({i: H.events.length, t: Date.now() - H.t0, name, data: H.plain(data) ?? null});
    for (const listener of H.listeners.slice()) listener();
  };

  H.wait = (since, ms) => new Promise((resolve) => {
    if (H.events.length > since) { resolve(H.events.slice(since)); return; }
    const done = () => {
      clearTimeout(timer);
      H.listeners.splice(H.listeners.indexOf(done), 1);
      resolve(H.events.slice(since));
    };
    const timer = setTimeout(done, ms);
    H.listeners.push(done);
  });

  H.error = (e) => ({
    code: e && e.code !== undefined ? e.code : null,
    message: e && e.message !== undefined ? String(e.message) : String(e),
    name: (e && e.name) || null,
    data: e && e.data !== undefined ? H.plain(e.data) ?? null : null,
  });

  H.create = function create(options) {
    const TCC = window.TencentCloudChat;
    const chat = TCC.create(options);
    chat.setLogLevel(0);
    chat.registerPlugin({'tim-upload-plugin': window.TIMUploadPlugin});
    for (const name of new Set(Object.values(TCC.EVENT))) {
      chat.on(name, (event) => H.record(name, event ? event.data : undefined));
    }
    H.chat = chat;
    return {version: TCC.VERSION, EVENT: TCC.EVENT};
  };

  const TIMEOUT = Symbol('timeout');
  H.call = async function call(method, args, keep, ms) {
    if (!H.chat) return {error: {code: null, message: 'harness: create() was not called'}};
    if (typeof H.chat[method] !== 'function') {
      return {error: {code: null, message: `harness: chat.${method} is not a function`}};
    }
    let result;
    try {
      result = H.chat[method](...H.resolve(args));
      if (result && typeof result.then === 'function') {
        let timer;
        const late = new Promise((resolve) => { timer = setTimeout(() => resolve(TIMEOUT), ms); });
        result = await Promise.race([result, late]).finally(() => clearTimeout(timer));
        if (result === TIMEOUT) return {timeout: ms};
      }
    } catch (e) {
      return {error: H.error(e)};
    }
    // The SDK's promises resolve {code: 0, data}; other methods return a value.
    const wrapped = result && typeof result === 'object' && 'code' in result && 'data' in result;
    const data = wrapped ? result.data : result;
    H.remember(data);
    if (keep) H.refs[keep] = data;
    return {ok: H.plain(data) ?? null, code: wrapped ? result.code : null};
  };
})();
