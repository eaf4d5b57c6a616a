// The @-mention picker of group conversations: typing '@' in the message box
// offers "everyone" and the members (filtered by what follows the '@');
// picking one writes "@Name " into the text and remembers who it was, so the
// send can carry atUserList (createTextAtMessage).

import { h } from './dom.js';
import { AT_ALL, avatar, groupOf } from './format.js';
import { t } from './i18n.js';
import { loadMembers } from './session.js';
import { avatarUrl, memberName, state } from './state.js';

const MAX_SHOWN = 50;

const picker = { panel: null, input: null, items: [], active: 0, start: -1 };
/** conversationID → [{userID, label}] picked and not sent yet */
const picked = new Map();

export function initMentions(input, panel) {
  picker.input = input;
  picker.panel = panel;
  input.addEventListener('input', update);
  input.addEventListener('click', update);
  // Options are picked on mousedown with the default prevented, so the box keeps
  // its focus; a blur means the user went elsewhere. The close waits a moment
  // (a tap on a touch screen may blur first) and is void if the focus came back:
  // a stale timer must never close a panel the user has just opened again.
  input.addEventListener('blur', () => setTimeout(() => {
    if (document.activeElement !== input) close();
  }, 150));
  document.addEventListener('selectionchange', () => {
    if (!picker.panel.hidden && document.activeElement === input) update();
  });
}

/** The "@query" being typed just before the caret: {start, query}, or null. */
function typedMention() {
  const { input } = picker;
  const caret = input.selectionStart;
  if (caret !== input.selectionEnd) return null;
  const before = input.value.slice(0, caret);
  const m = /(^|\s)@([^\s@]{0,30})$/.exec(before);
  return m ? { start: caret - m[2].length - 1, query: m[2].toLowerCase() } : null;
}

function update() {
  const gid = groupOf(state.current);
  const typed = gid ? typedMention() : null;
  if (!typed) {
    close();
    return;
  }
  const entry = state.members.get(gid);
  if (!entry || (!entry.loaded && !entry.loading)) loadMembers(gid).then(() => typedMention() && update());
  const everyone = { userID: AT_ALL, label: t('mention.everyone') };
  const members = (entry ? entry.list : [])
    .filter((m) => m.userID !== state.userID)
    .map((m) => ({ userID: m.userID, label: memberName(gid, m.userID) }));
  const q = typed.query;
  const match = (c) => !q || c.label.toLowerCase().includes(q) || (c.userID !== AT_ALL && c.userID.toLowerCase().includes(q));
  picker.items = [everyone, ...members].filter(match).slice(0, MAX_SHOWN);
  picker.start = typed.start;
  picker.active = Math.min(picker.active, Math.max(picker.items.length - 1, 0));
  if (!picker.items.length) {
    close();
    return;
  }
  render(gid);
}

function render(gid) {
  picker.panel.replaceChildren(...picker.items.map((c, i) => h(
    'li',
    {
      class: `mention__item${i === picker.active ? ' mention__item--active' : ''}`,
      role: 'option',
      'aria-selected': i === picker.active ? 'true' : 'false',
      dataset: { testid: 'mention-option', userid: c.userID },
      onmousedown: (ev) => {
        ev.preventDefault(); // keep the focus in the message box
        pick(c);
      },
    },
    c.userID === AT_ALL
      ? h('span', { class: 'avatar avatar--xs mention__all', 'aria-hidden': 'true', text: '@' })
      : avatar(c.userID, c.label, avatarUrl(c.userID), 'xs'),
    h('span', { class: 'mention__name', dataset: { testid: 'mention-name' }, text: c.label }),
    c.userID !== AT_ALL && c.label !== c.userID ? h('span', { class: 'mention__id', text: c.userID }) : null,
  )));
  picker.panel.hidden = false;
  picker.panel.dataset.group = gid;
  picker.input.setAttribute('aria-expanded', 'true');
}

function close() {
  if (!picker.panel || picker.panel.hidden) return;
  picker.panel.hidden = true;
  picker.panel.replaceChildren(); // a closed panel offers nothing
  picker.items = [];
  picker.active = 0;
  picker.input.setAttribute('aria-expanded', 'false');
}

function pick(c) {
  const { input } = picker;
  const caret = input.selectionStart;
  const text = `@${c.label} `;
  input.value = input.value.slice(0, picker.start) + text + input.value.slice(caret);
  const at = picker.start + text.length;
  input.setSelectionRange(at, at);
  const list = picked.get(state.current) || [];
  if (!list.some((x) => x.userID === c.userID)) list.push({ userID: c.userID, label: c.label });
  picked.set(state.current, list);
  close();
  input.dispatchEvent(new Event('input'));
  input.focus();
}

/** Keys while the picker is open (arrows, Enter/Tab to pick, Escape); true if handled. */
export function mentionKey(ev) {
  if (!picker.panel || picker.panel.hidden || !picker.items.length) return false;
  if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
    const n = picker.items.length;
    picker.active = (picker.active + (ev.key === 'ArrowDown' ? 1 : n - 1)) % n;
    render(groupOf(state.current));
  } else if (ev.key === 'Enter' || ev.key === 'Tab') {
    if (ev.isComposing) return false;
    pick(picker.items[picker.active]);
  } else if (ev.key === 'Escape') {
    close();
  } else {
    return false;
  }
  ev.preventDefault();
  return true;
}

/** The atUserList for `text` about to be sent in `conversationID` (mentions still in it); forgets them. */
export function takeMentions(conversationID, text) {
  const list = picked.get(conversationID) || [];
  picked.delete(conversationID);
  return list.filter((c) => text.includes(`@${c.label}`)).map((c) => c.userID);
}
