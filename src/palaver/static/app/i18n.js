// The chat UI's current language and its strings (the tables are i18n-en.js,
// i18n-zh-CN.js and i18n-menu.js: Chinese (zh-CN) and English).
//
// The language is the one saved in localStorage ('palaver.lang'), else the
// browser's (navigator.language zh* → zh-CN, anything else → en). Static labels
// in index.html carry data-i18n (textContent), data-i18n-placeholder,
// data-i18n-label (aria-label) or data-i18n-title; views call t() when they render
// and render again on the 'lang' change (see onLangChange).

import { EN } from './i18n-en.js';
import { MENU_STRINGS } from './i18n-menu.js';
import { ZH_CN } from './i18n-zh-CN.js';

const STRINGS = { en: EN, 'zh-CN': ZH_CN };

for (const [code, table] of Object.entries(MENU_STRINGS)) Object.assign(STRINGS[code], table);

export const LANGS = ['zh-CN', 'en'];
const STORAGE_KEY = 'palaver.lang';

function detect() {
  let saved = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    // storage may be unavailable (privacy mode): fall back to the browser's language
  }
  if (saved && STRINGS[saved]) return saved;
  const nav = (navigator.languages && navigator.languages[0]) || navigator.language || 'en';
  return nav.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

let lang = detect();
const listeners = new Set();

export function getLang() {
  return lang;
}

/** The string for `key` in the current language, with {name} placeholders filled. */
export function t(key, params) {
  const table = STRINGS[lang] || STRINGS.en;
  let s = key in table ? table[key] : key in STRINGS.en ? STRINGS.en[key] : key;
  if (params) {
    s = s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
  }
  return s;
}

/** Switch the language, remember it, relabel the page and tell the views. */
export function setLang(next) {
  if (!STRINGS[next] || next === lang) return;
  lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // not persisted: fine
  }
  applyStatic(document);
  for (const fn of listeners) fn(lang);
}

export function toggleLang() {
  setLang(lang === 'en' ? 'zh-CN' : 'en');
}

export function onLangChange(fn) {
  listeners.add(fn);
}

/** Fill the data-i18n* attributes under `root`. */
export function applyStatic(root) {
  document.documentElement.lang = lang;
  document.title = t('app.title');
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of root.querySelectorAll('[data-i18n-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  }
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
}
