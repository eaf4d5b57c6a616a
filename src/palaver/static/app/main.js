// Entry point: language, login (form, URL fragment or this tab's session),
// tabs, the phone/desktop layout switch, network banner, kick handling.

import { closeConversation, initChat } from './chat.js';
import { initContacts } from './contacts.js';
import { initGroups } from './groups.js';
import { initConversations, renderList } from './conversations.js';
import { initSearch } from './search.js';
import { $ } from './dom.js';
import { applyStatic, onLangChange, t, toggleLang } from './i18n.js';
import {
  fillLogin, forgetSession, initLogin, savedSession, saveSession, setBusy, setStatus, showLoginError, takeFragment,
} from './login.js';
import { initProfile } from './profile.js';
import { dropSession, login, logout } from './session.js';
import { errorOf, state, subscribe } from './state.js';

const TITLES = { chats: 'nav.chats', contacts: 'nav.contacts', me: 'nav.me' };

function showApp(on) {
  $('#login-view').hidden = on;
  $('#app-view').hidden = !on;
}

function setTab(tab) {
  state.tab = tab;
  for (const btn of document.querySelectorAll('.tab[data-tab]')) {
    const active = btn.dataset.tab === tab;
    btn.classList.toggle('tab--active', active);
    btn.setAttribute('aria-pressed', String(active));
  }
  for (const name of Object.keys(TITLES)) $(`#panel-${name}`).hidden = name !== tab;
  const title = $('#sidebar-title');
  title.dataset.i18n = TITLES[tab];
  title.textContent = t(TITLES[tab]);
}

function renderNet() {
  const banner = $('#net-banner');
  const s = state.netState;
  banner.hidden = s === 'connected' || !state.chat;
  banner.textContent = s === 'connecting' ? t('net.connecting') : s === 'disconnected' ? t('net.disconnected') : '';
}

async function start(creds, { fromForm = false } = {}) {
  if ($('#app-view').hidden) showApp(false);
  setBusy(true);
  showLoginError('');
  setStatus(fromForm ? '' : t('login.busy'));
  try {
    await login(creds);
  } catch (err) {
    const e = errorOf(err);
    forgetSession();
    fillLogin({ SDKAppID: creds.SDKAppID, userID: creds.userID, userSig: fromForm ? creds.userSig : '' });
    showApp(false);
    showLoginError(t('login.failed', e));
    setStatus('');
    setBusy(false);
    return;
  }
  saveSession(creds);
  setBusy(false);
  setStatus('');
  $('#login-usersig').value = '';
  setTab('chats');
  showApp(true);
  renderList();
}

async function doLogout() {
  forgetSession();
  closeConversation();
  await logout();
  document.title = t('app.title');
  showApp(false);
}

function kicked(type) {
  forgetSession();
  closeConversation();
  dropSession();
  const key = `kick.${type}`;
  const reason = t(key) === key ? t('kick.other', { type }) : t(key);
  showApp(false);
  showLoginError(t('login.kicked', { reason }));
  document.title = t('app.title');
}

function init() {
  applyStatic(document);
  onLangChange(() => {
    setTab(state.tab);
    renderNet();
  });
  for (const el of document.querySelectorAll('.lang-toggle')) el.addEventListener('click', toggleLang);

  initLogin((creds) => start(creds, { fromForm: true }));
  initConversations();
  initSearch();
  initChat();
  initContacts();
  initGroups();
  initProfile({ onLogout: doLogout });

  for (const btn of document.querySelectorAll('.tab[data-tab]')) {
    btn.addEventListener('click', () => setTab(btn.dataset.tab));
  }
  subscribe('open', (cid) => {
    $('#app-view').classList.toggle('app--chat-open', Boolean(cid));
    if (cid && state.tab !== 'chats') setTab('chats');
  });
  subscribe('net', renderNet);
  subscribe('kicked', kicked);

  const creds = takeFragment() || savedSession();
  if (creds && creds.userID && creds.userSig && creds.SDKAppID) {
    start(creds);
  } else {
    if (creds) fillLogin(creds);
    showApp(false);
  }
}

init();
