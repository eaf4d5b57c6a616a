// A draft kept per conversation: what is typed and not sent is saved when the
// user leaves the conversation (on the server, with setConversationDraft, so
// every device of the user sees it) and put back when they return; the
// conversation list shows it as "[Draft] ..." meanwhile. Opening a conversation
// also clears a "mark unread" it had.

import { call } from './session.js';
import { state } from './state.js';

/** The saved draft of a conversation ('' if none). */
export function draftOf(cid) {
  const conv = state.conversations.find((c) => c.conversationID === cid);
  return (conv && conv.draftText) || '';
}

/** Save `text` as the draft of `cid` if it changed (errors are left to the next save). */
export async function saveDraft(cid, text) {
  if (!cid || !state.chat) return;
  const draft = text.trim() ? text : '';
  if (draft === draftOf(cid)) return;
  const conv = state.conversations.find((c) => c.conversationID === cid);
  if (conv) conv.draftText = draft; // shown at once; the server's list follows
  try {
    await call('setConversationDraft', { conversationID: cid, draftText: draft });
  } catch {
    // a conversation the server does not know yet (no message): kept on this page only
  }
}

/** Opening a conversation marked unread (TYPES.CONV_MARK_TYPE_UNREAD) clears the mark. */
export function clearUnreadMark(cid) {
  const conv = state.conversations.find((c) => c.conversationID === cid);
  if (conv && (conv.markList || []).includes(2)) {
    call('markConversation', { conversationIDList: [cid], markType: 2, enableMark: false }).catch(() => {});
  }
}
