// The login page: SDKAppID, userID and UserSig; a debug-only "get a UserSig"
// button (the server's /debug/usersig, on only for apps with debug_usersig);
// credentials from the URL fragment (#SDKAppID=…&userID=…&userSig=…).
//
// The UserSig of the current session is kept in sessionStorage (this tab only)
// so a reload stays logged in; the fragment is removed from the address bar.
// SDKAppID and userID (never the UserSig) are remembered in localStorage to
// prefill the form.

import { $, show } from './dom.js';
import { t } from './i18n.js';

const SESSION_KEY = 'palaver.session';
const PREFILL_KEY = 'palaver.login';

function store(kind) {
  try {
    return kind === 'session' ? sessionStorage : localStorage;
  } catch {
    return null;
  }
}

/** Credentials from the URL fragment, or null. Removes them from the address bar. */
export function takeFragment() {
  const hash = location.hash.replace(/^#/, '');
  if (!hash) return null;
  const params = new URLSearchParams(hash);
  const userID = params.get('userID') || '';
  const userSig = params.get('userSig') || '';
  const SDKAppID = params.get('SDKAppID') || params.get('sdkAppID') || params.get('sdkappid') || '';
  if (!userID && !userSig && !SDKAppID) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return { SDKAppID: SDKAppID || prefill().SDKAppID || '', userID, userSig };
}

export function savedSession() {
  try {
    const raw = store('session')?.getItem(SESSION_KEY);
    const s = raw ? JSON.parse(raw) : null;
    return s && s.SDKAppID && s.userID && s.userSig ? s : null;
  } catch {
    return null;
  }
}

export function saveSession(creds) {
  store('session')?.setItem(SESSION_KEY, JSON.stringify(creds));
  rememberIDs(creds);
}

/** Prefill the form with these next time (never the UserSig). */
function rememberIDs(creds) {
  store('local')?.setItem(PREFILL_KEY, JSON.stringify({ SDKAppID: creds.SDKAppID, userID: creds.userID }));
}

export function forgetSession() {
  store('session')?.removeItem(SESSION_KEY);
}

function prefill() {
  try {
    return JSON.parse(store('local')?.getItem(PREFILL_KEY) || '{}') || {};
  } catch {
    return {};
  }
}

/** Wire the form; `onSubmit(creds)` logs in (and rejects {code, message}). */
export function initLogin(onSubmit) {
  const form = $('#login-form');
  const sdk = $('#login-sdkappid');
  const user = $('#login-userid');
  const sig = $('#login-usersig');
  const saved = prefill();
  if (saved.SDKAppID) sdk.value = saved.SDKAppID;
  if (saved.userID) user.value = saved.userID;

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const creds = { SDKAppID: sdk.value.trim(), userID: user.value.trim(), userSig: sig.value.trim() };
    if (!/^\d+$/.test(creds.SDKAppID) || !creds.userID || !creds.userSig) {
      showLoginError(t('login.needFields'));
      return;
    }
    rememberIDs(creds);
    await onSubmit(creds);
  });

  $('#debug-sig').addEventListener('click', () => fetchDebugSig(sdk, user, sig));
  // A UserSig belongs to one userID: changing the userID invalidates a filled-in one.
  user.addEventListener('input', () => {
    if (sig.dataset.debugFor && sig.dataset.debugFor !== user.value.trim()) {
      sig.value = '';
      delete sig.dataset.debugFor;
    }
  });
}

async function fetchDebugSig(sdk, user, sig) {
  const SDKAppID = sdk.value.trim();
  const userID = user.value.trim();
  setStatus('');
  if (!/^\d+$/.test(SDKAppID) || !userID) {
    showLoginError(t('login.needIDs'));
    return;
  }
  hideLoginError();
  let answer;
  try {
    const res = await fetch('/debug/usersig', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ SDKAppID: Number(SDKAppID), userID }),
    });
    answer = await res.json();
  } catch (err) {
    showLoginError(t('login.debugFailed', { code: -1, message: String(err) }));
    return;
  }
  if (answer.code === 0 && answer.userSig) {
    sig.value = answer.userSig;
    sig.dataset.debugFor = userID;
    setStatus(t('login.debugDone'));
  } else if (answer.code === 70016) {
    // Signing is off for this app (as in production): no button, just say so.
    show($('#debug-sig'), false);
    $('#debug-box').classList.add('debug-box--off');
    const note = $('.debug-box__note');
    note.dataset.i18n = 'login.debugDisabled';
    note.textContent = t('login.debugDisabled');
  } else {
    showLoginError(t('login.debugFailed', { code: answer.code, message: answer.message || '' }));
  }
}

export function fillLogin(creds) {
  if (!creds) return;
  if (creds.SDKAppID) $('#login-sdkappid').value = creds.SDKAppID;
  if (creds.userID) $('#login-userid').value = creds.userID;
  if (creds.userSig) $('#login-usersig').value = creds.userSig;
}

export function setBusy(busy) {
  const btn = $('#login-submit');
  btn.disabled = busy;
  btn.textContent = busy ? t('login.busy') : t('login.submit');
}

export function setStatus(text) {
  $('#login-status').textContent = text;
}

export function showLoginError(text) {
  const el = $('#login-error');
  el.textContent = text;
  el.hidden = !text;
}

function hideLoginError() {
  showLoginError('');
}
