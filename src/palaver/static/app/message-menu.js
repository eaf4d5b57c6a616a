// The message menu (chat-uikit's long-press menu): a right-click on a bubble
// (desktop), a long press (touch) or the context-menu key / Shift+F10 on a
// focused bubble opens it. It offers what the message allows:
//   - an emoji row to react (addMessageReaction / removeMessageReaction);
//   - Copy (text messages) to the clipboard;
//   - Quote: the message shows above the message box and the next message
//     sent carries it as chat-uikit does (`cloudCustomData.messageReply`);
//   - Forward to another conversation (createForwardMessage);
//   - Select: several messages, forwarded one by one or merged (merged.js);
//   - Edit (my text messages): the message box edits it (modifyMessage);
//   - Delete for me (deleteMessage; the others keep it);
//   - Recall (mine, within the recall window: revokeMessage);
//   - Pin / Unpin (groups; their owner and admins: pinGroupMessage, pinned.js).
// The bar above the message box says what the next send does (quote, edit);
// its ✕ or Escape in the box cancels.

import { canRecall, renderMessages } from './message-list.js';
import { $, confirmAction, h, openModal, toast } from './dom.js';
import { avatar, groupOf, peerOf, preview } from './format.js';
import { t } from './i18n.js';
import {
  REACTIONS, canReact, dropMessage, myReactions, quoteData, senderName, toggleReaction,
} from './message-extras.js';
import { startSelecting } from './merged.js';
import { canPin, isPinned, togglePin } from './pinned.js';
import { menuItem, onMenuGesture, openMenu } from './popup-menu.js';
import { addToThread, call } from './session.js';
import { displayName, errorOf, groupName, publish, state, subscribe, thread } from './state.js';

const MODIFY_CONFLICT = 2480; // the SDK's code of an edit that lost to another

let compose = null; // {kind: 'quote' | 'edit', msg, cid, stash}
const els = {};

export function initMessageMenu() {
  Object.assign(els, { items: $('#message-items'), input: $('#composer-input'), bar: $('#compose-bar') });
  onMenuGesture(els.items, '.msg__bubble', (bubble, at) => {
    const row = bubble.closest('[data-message-id]');
    const msg = row && thread(state.current).messages.find((m) => m.ID === row.dataset.messageId);
    if (msg) openMessageMenu(msg, at);
  });
  els.input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && compose && !ev.defaultPrevented) {
      ev.preventDefault();
      endCompose();
    }
  });
  subscribe('messages', (cid) => {
    // the message quoted or edited was recalled or deleted meanwhile
    if (compose && compose.cid === cid && (compose.msg.isRevoked || !thread(cid).messages.includes(compose.msg))) endCompose();
  });
}

function mine(msg) {
  return msg.flow === 'out' || (msg.from === state.userID && msg.flow !== 'in');
}

/** Whether I may still act in the message's conversation (not a group I left). */
function member(msg) {
  const gid = groupOf(msg.conversationID);
  const g = gid ? state.groups.get(gid) : null;
  return !gid || !state.groupsLoaded || Boolean(g && g.selfInfo);
}

/** The menu's items for a message: only what it allows. */
function menuItems(msg) {
  const sent = msg.status === 'success' && !msg.isRevoked;
  const text = msg.type === 'TIMTextElem' && !msg.isRevoked;
  const items = [];
  if (sent && member(msg) && canReact(msg)) {
    const have = myReactions(msg);
    items.push(h('div', { class: 'popup-menu__reactions', role: 'group', 'aria-label': t('menu.react') },
      ...REACTIONS.map((e) => menuItem({
        text: e,
        label: t('menu.reactWith', { emoji: e }),
        checked: have.includes(e),
        testid: 'menu-react',
        extra: { reaction: e },
        onPick: () => toggleReaction(msg, e),
      }))));
  }
  if (text) items.push(menuItem({ text: t('menu.copy'), testid: 'menu-copy', onPick: () => copy(msg) }));
  if (sent && member(msg)) items.push(menuItem({ text: t('menu.quote'), testid: 'menu-quote', onPick: () => startCompose('quote', msg) }));
  if (sent && Array.isArray(msg.MsgBody) && msg.MsgBody.length) {
    items.push(menuItem({ text: t('menu.forward'), testid: 'menu-forward', onPick: () => forward(msg) }));
  }
  if (sent && Array.isArray(msg.MsgBody) && msg.MsgBody.length) {
    items.push(menuItem({ text: t('select.start'), testid: 'menu-select', onPick: () => startSelecting(msg) }));
  }
  if (sent && text && mine(msg) && member(msg) && canReact(msg)) {
    items.push(menuItem({ text: t('menu.edit'), testid: 'menu-edit', onPick: () => startCompose('edit', msg) }));
  }
  if (canPin(msg)) {
    const pinned = isPinned(msg);
    items.push(menuItem({ text: t(pinned ? 'pin.unpin' : 'pin.pin'), testid: pinned ? 'menu-unpin' : 'menu-pin', onPick: () => togglePin(msg) }));
  }
  if (canRecall(msg)) items.push(menuItem({ text: t('menu.recall'), testid: 'menu-recall', danger: true, onPick: () => recall(msg) }));
  if (msg.status === 'success' && canReact(msg) && member(msg)) {
    items.push(menuItem({ text: t('menu.delete'), testid: 'menu-delete', danger: true, onPick: () => remove(msg) }));
  }
  return items;
}

/** Open the menu of `msg` at a point or under an element. */
export function openMessageMenu(msg, at) {
  const items = menuItems(msg);
  if (!items.length) return;
  const bubbleOf = () => {
    const row = [...els.items.querySelectorAll('[data-message-id]')].find((e) => e.dataset.messageId === msg.ID);
    return row ? row.querySelector('.msg__bubble') : null;
  };
  const anchor = at instanceof Element ? bubbleOf() || at : at;
  openMenu({ items, at: anchor, label: t('chat.messageActions'), testid: 'message-menu', returnTo: bubbleOf });
}

// ---- copy

async function copy(msg) {
  const text = String((msg.payload && msg.payload.text) || '');
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // no clipboard permission (an old browser, plain http): the old way
    const area = h('textarea', { class: 'offscreen', readonly: true });
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  toast(t('menu.copied'));
}

// ---- quote and edit (the bar above the message box)

function startCompose(kind, msg) {
  const stash = compose ? compose.stash : els.input.value;
  if (compose && compose.kind === 'edit') els.input.value = stash;
  compose = { kind, msg, cid: msg.conversationID, stash };
  if (kind === 'edit') els.input.value = String((msg.payload && msg.payload.text) || '');
  renderBar();
  fit();
  els.input.focus();
}

/** The message box's height for its text (as composer.js sizes it while typing). */
function fit() {
  els.input.style.height = 'auto';
  els.input.style.height = `${Math.min(els.input.scrollHeight, 140)}px`;
}

/** Leave quoting or editing; an edit gives the message box back what it had. */
export function endCompose() {
  if (!compose) return;
  const edit = compose.kind === 'edit';
  if (edit) els.input.value = compose.stash;
  compose = null;
  renderBar();
  if (edit) fit();
}

function renderBar() {
  els.bar.hidden = !compose;
  if (!compose) {
    els.bar.replaceChildren();
    return;
  }
  const { kind, msg } = compose;
  els.bar.dataset.kind = kind;
  els.bar.replaceChildren(
    h('div', { class: 'compose-bar__body' },
      h('span', { class: 'compose-bar__title', dataset: { testid: 'compose-title' },
        text: kind === 'edit' ? t('menu.editing') : t('menu.quoting', { name: senderName(msg) }) }),
      h('span', { class: 'compose-bar__text', dataset: { testid: 'compose-text' }, text: preview(msg, state.userID, '') })),
    h('button', {
      type: 'button', class: 'icon-button', dataset: { testid: 'compose-cancel' },
      'aria-label': t('menu.cancelCompose'), title: t('menu.cancelCompose'), onclick: () => endCompose(),
    }, h('span', { class: 'icon icon--close', 'aria-hidden': 'true' })),
  );
}

/** The `cloudCustomData` of the message being sent in `cid` (a quote), else undefined. */
export function composeData(cid) {
  return compose && compose.kind === 'quote' && compose.cid === cid ? quoteData(compose.msg) : undefined;
}

/**
 * If the message box is editing a message of `cid`, save `text` as its new text
 * (modifyMessage) and say true; else false (send it as a new message).
 */
export async function saveEdit(cid, text) {
  if (!compose || compose.kind !== 'edit' || compose.cid !== cid) return false;
  const { msg } = compose;
  const before = msg.payload;
  msg.payload = { ...before, text };
  try {
    await call('modifyMessage', msg);
  } catch (err) {
    const e = errorOf(err);
    if (e.code === MODIFY_CONFLICT) {
      els.input.value = String((msg.payload && msg.payload.text) || ''); // the newest text, to edit again
      toast(t('menu.editConflict'));
    } else {
      msg.payload = before;
      toast(t('menu.failed', e));
    }
    renderMessages();
    return true;
  }
  compose = null;
  els.input.value = '';
  fit();
  renderBar();
  renderMessages();
  return true;
}

// ---- recall, forward, delete

export async function recall(msg) {
  try {
    const res = await state.chat.revokeMessage(msg);
    const m = res && res.data && res.data.message;
    if (m && m !== msg) Object.assign(msg, m);
    msg.isRevoked = true;
  } catch (err) {
    toast(t('chat.recallFailed', errorOf(err)));
  }
  renderMessages();
}


function forward(msg) {
  chooseConversation(async (c) => {
    const gid = groupOf(c.conversationID);
    const copy = state.chat.createForwardMessage({
      to: gid || peerOf(c.conversationID), conversationType: gid ? 'GROUP' : 'C2C', payload: msg,
    });
    await sendCopy(copy);
  });
}

/** Send a forwarded (or merged) copy and show it in its conversation. */
export async function sendCopy(copy) {
  const res = await call('sendMessage', copy);
  const sent = (res && res.data && res.data.message) || copy;
  if (addToThread(sent)) publish('incoming', sent);
  publish('messages', sent.conversationID);
}

/** The forward dialog: `send(conversation)` runs for the one picked (errors toast). */
export function chooseConversation(send) {
  const targets = state.conversations.filter((c) => c.type === 'C2C' || c.type === 'GROUP');
  const nameOf = (c) => (c.type === 'GROUP' ? groupName(groupOf(c.conversationID)) : c.remark || displayName(peerOf(c.conversationID)));
  let close = () => {};
  const pick = async (c) => {
    close();
    try {
      await send(c);
      toast(t('menu.forwarded', { name: nameOf(c) }));
    } catch (err) {
      toast(t('menu.failed', errorOf(err)));
    }
  };
  const list = targets.length
    ? h('ul', { class: 'forward-list' }, ...targets.map((c) => {
      const gid = groupOf(c.conversationID);
      const id = gid || peerOf(c.conversationID);
      return h('li', {}, h('button', {
        type: 'button', class: 'forward-list__item', dataset: { testid: 'forward-target', conversationId: c.conversationID },
        onclick: () => pick(c),
      }, avatar(id, nameOf(c), gid ? '' : (c.userProfile && c.userProfile.avatar) || '', 'sm'), h('span', { text: nameOf(c) })));
    }))
    : h('p', { class: 'modal__text', text: t('menu.noTargets') });
  close = openModal(t('menu.forwardTitle'), [list], { testid: 'forward-dialog', closeLabel: t('menu.cancel') });
}

async function remove(msg) {
  const ok = await confirmAction(t('menu.deleteText'), {
    title: t('menu.deleteTitle'), okLabel: t('menu.deleteOk'), cancelLabel: t('menu.cancel'),
  });
  if (!ok) return;
  try {
    await call('deleteMessage', [msg]);
  } catch (err) {
    toast(t('menu.failed', errorOf(err)));
    return;
  }
  dropMessage(msg);
}
