// Message search (docs/search.md): the box above the conversation list asks
// searchCloudMessages across my conversations; each conversation with hits is a
// row (its name, and the message when it is the only one, else how many). A
// row with one message opens the chat at that message, with the messages
// around it; a row with several lists that conversation's hits (a search
// within the chat), each of which opens the chat at it.

import { openAtMessage } from './chat.js';
import { $, h } from './dom.js';
import { groupOf, peerOf, preview } from './format.js';
import { onLangChange, t } from './i18n.js';
import { call, ensureProfiles } from './session.js';
import { displayName, errorOf, groupName, state } from './state.js';

let last = null; // the last answer: {keyword, list, within?} (re-rendered on a language change)

export function initSearch() {
  $('#search-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const keyword = $('#search-input').value.trim();
    if (!keyword) {
      clear();
      return;
    }
    await search(keyword);
  });
  $('#search-input').addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') clear();
  });
  onLangChange(render);
}

async function search(keyword, conversationID) {
  const options = { keywordList: [keyword], count: 20 };
  if (conversationID) options.conversationID = conversationID;
  try {
    const res = await call('searchCloudMessages', options);
    let list = res.data.searchResultList;
    if (conversationID) {
      // within a conversation: one row per message
      list = list.flatMap((r) => r.messageList.map((m) => ({ ...r, messageCount: 1, messageList: [m] })));
    }
    await ensureProfiles(list.map((r) => peerOf(r.conversationID)).filter(Boolean));
    last = { keyword, list, within: conversationID || '' };
  } catch (err) {
    last = { keyword, list: [], error: errorOf(err) };
  }
  render();
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
  const one = r.messageList.length === 1 ? r.messageList[0].ID : '';
  return h('li', { class: 'search-hit', dataset: { testid: 'search-hit', conversationId: r.conversationID, messageId: one } },
    h('button', {
      type: 'button',
      class: 'search-hit__open',
      onclick: () => {
        if (r.messageList.length !== 1) {
          search(last.keyword, r.conversationID);
          return;
        }
        clear();
        openAtMessage(r.conversationID, r.messageList[0].ID);
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
