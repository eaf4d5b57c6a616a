// Message search across conversations (docs/search.md): the box above the
// conversation list asks searchCloudMessages; each conversation with hits is a
// row (its name, and the message when it is the only one, else how many), and
// a row opens that conversation.

import { openConversation } from './chat.js';
import { $, h } from './dom.js';
import { groupOf, peerOf, preview } from './format.js';
import { onLangChange, t } from './i18n.js';
import { call, ensureProfiles } from './session.js';
import { displayName, errorOf, groupName, state } from './state.js';

let last = null; // the last answer: {keyword, list} (re-rendered on a language change)

export function initSearch() {
  $('#search-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const keyword = $('#search-input').value.trim();
    if (!keyword) {
      clear();
      return;
    }
    try {
      const res = await call('searchCloudMessages', { keywordList: [keyword], count: 20 });
      const list = res.data.searchResultList;
      await ensureProfiles(list.map((r) => peerOf(r.conversationID)).filter(Boolean));
      last = { keyword, list };
    } catch (err) {
      last = { keyword, list: [], error: errorOf(err) };
    }
    render();
  });
  $('#search-input').addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') clear();
  });
  onLangChange(render);
}

function clear() {
  $('#search-input').value = '';
  last = null;
  render();
}

function nameOf(conversationID) {
  const gid = groupOf(conversationID);
  return gid ? groupName(gid) : displayName(peerOf(conversationID));
}

function row(r) {
  const text = r.messageList.length === 1
    ? preview(r.messageList[0], state.userID, displayName(r.messageList[0].from))
    : t('search.count', { count: r.messageCount });
  return h('li', { class: 'search-hit', dataset: { testid: 'search-hit', conversationId: r.conversationID } },
    h('button', {
      type: 'button',
      class: 'search-hit__open',
      onclick: () => {
        clear();
        openConversation(r.conversationID);
      },
    },
    h('span', { class: 'search-hit__name', dataset: { testid: 'search-hit-name' }, text: nameOf(r.conversationID) }),
    h('span', { class: 'search-hit__text', dataset: { testid: 'search-hit-text' }, text })));
}

function render() {
  const box = $('#search-results');
  box.hidden = !last;
  if (!last) {
    box.replaceChildren();
    return;
  }
  const note = last.error || (last.list.length ? '' : t('search.none', { keyword: last.keyword }));
  const rows = last.list.map(row);
  if (note) rows.push(h('li', { class: 'empty', dataset: { testid: 'search-note' }, text: note }));
  box.replaceChildren(...rows);
}
