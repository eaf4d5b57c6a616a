// Formatting: names, avatars, times, message previews and typing signals.

import { h, safeUrl } from './dom.js';
import { getLang, t } from './i18n.js';

export const TYPING_BUSINESS_ID = 'user_typing_status';

/** The typing status (1 typing, 0 stopped) a message carries, or null if it is not a typing signal. */
export function typingStatus(msg) {
  if (!msg || msg.type !== 'TIMCustomElem' || !msg.payload) return null;
  const data = msg.payload.data;
  if (typeof data !== 'string' || !data.includes(TYPING_BUSINESS_ID)) return null;
  try {
    const parsed = JSON.parse(data);
    if (parsed && parsed.businessID === TYPING_BUSINESS_ID) return Number(parsed.typingStatus) ? 1 : 0;
  } catch {
    // not JSON: an ordinary custom message
  }
  return null;
}

/** The peer's userID of a C2C conversation ID ("C2Calice" → "alice"). */
export function peerOf(conversationID) {
  return conversationID && conversationID.startsWith('C2C') ? conversationID.slice(3) : conversationID;
}

/** The groupID of a group conversation ID ("GROUP@TGS#1" → "@TGS#1"), or '' for others. */
export function groupOf(conversationID) {
  return conversationID && conversationID.startsWith('GROUP') ? conversationID.slice(5) : '';
}

/** Tencent's atUserList value for "everyone". */
export const AT_ALL = '__kImSDK_MesssageAtALL__';

/** Whether a group message @-mentions `userID`: 'me', 'all', or ''. */
export function mentionOf(msg, userID) {
  const list = (msg && Array.isArray(msg.atUserList) && msg.atUserList) || [];
  if (list.includes(userID)) return 'me';
  if (list.includes(AT_ALL)) return 'all';
  return '';
}

/** "3 members" (or "1 member"). */
export function memberCount(n) {
  return n === 1 ? t('group.memberCountOne') : t('group.memberCount', { count: n });
}

/** How long a mute lasts, in words ("10 minutes", "1 day"). */
export function duration(seconds) {
  const units = [['day', 86400], ['hour', 3600], ['minute', 60], ['second', 1]];
  for (const [unit, size] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return t(n === 1 ? `duration.${unit}` : `duration.${unit}s`, { count: n });
    }
  }
  return t('duration.seconds', { count: seconds });
}

/**
 * A group tip (TIMGroupTipElem) or group notice as one line of text:
 * "Alice joined the group", "Bob was removed from the group"…; `nameOf(userID)`
 * gives the names to show.
 */
export function tipText(msg, nameOf) {
  const p = (msg && msg.payload) || {};
  if (msg.type === 'TIMGroupSystemNoticeElem') {
    return t('tip.notice', { text: String(p.content ?? p.userDefinedField ?? '') });
  }
  const ids = Array.isArray(p.userIDList) ? p.userIDList : [];
  const names = ids.map((id) => nameOf(String(id))).join(t('tip.separator'));
  const op = p.operatorID ? nameOf(String(p.operatorID)) : '';
  const many = ids.length > 1;
  switch (Number(p.operationType)) {
    case 1:
      return t('tip.joined', { names });
    case 2:
      return t('tip.quit', { names });
    case 3:
      return t(many ? 'tip.kickedMany' : 'tip.kicked', { names, op });
    case 4:
      return t(many ? 'tip.adminSetMany' : 'tip.adminSet', { names });
    case 5:
      return t(many ? 'tip.adminUnsetMany' : 'tip.adminUnset', { names });
    case 6: {
      const g = p.newGroupProfile || {};
      if (typeof g.name === 'string' && g.name) return t('tip.renamed', { op, name: g.name });
      if (g.ownerID) return t('tip.owner', { names: nameOf(String(g.ownerID)) });
      if (typeof g.notification === 'string') return t('tip.notification', { op });
      if (typeof g.muteAllMembers === 'boolean') return t(g.muteAllMembers ? 'tip.muteAll' : 'tip.unmuteAll', { op });
      return t('tip.profile', { op });
    }
    case 7: {
      const infos = p.msgMemberInfo || p.memberList || [];
      const info = infos[0];
      if (info && Number(info.muteTime) > 0) {
        return t('tip.muted', { names: nameOf(String(info.userID)), time: duration(Number(info.muteTime)) });
      }
      if (info) return t('tip.unmuted', { names: nameOf(String(info.userID)) });
      return t('tip.memberProfile', { names: names || op });
    }
    default:
      return t('tip.unknown');
  }
}

/** Up to two letters for an avatar without a picture. */
export function initials(name) {
  const s = String(name || '?').trim();
  if (!s) return '?';
  const chars = Array.from(s);
  // CJK names: the first character; Latin names: first letters of two words, or two letters.
  if (/[\u3400-\u9fff]/.test(chars[0])) return chars[0];
  const words = s.split(/[\s._-]+/).filter(Boolean);
  if (words.length >= 2) return (Array.from(words[0])[0] + Array.from(words[1])[0]).toUpperCase();
  return chars[0].toUpperCase();
}

function hue(id) {
  let x = 0;
  for (const ch of String(id)) x = (x * 31 + ch.codePointAt(0)) >>> 0;
  return x % 8;
}

/** An avatar: the picture at `url` if there is one (initials if it fails to load), else initials. */
export function avatar(id, name, url, size = 'md') {
  const box = h('span', { class: `avatar avatar--${size} avatar--c${hue(id)}`, 'aria-hidden': 'true' });
  const letters = h('span', { class: 'avatar__initials', text: initials(name || id) });
  box.append(letters);
  const src = safeUrl(url, { image: true });
  if (src) {
    const img = h('img', { class: 'avatar__img', alt: '', src, referrerpolicy: 'no-referrer' });
    img.addEventListener('error', () => img.remove());
    box.append(img);
  }
  return box;
}

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

function locale() {
  return getLang() === 'zh-CN' ? 'zh-CN' : 'en';
}

/** A conversation-list time: 14:05 today, Yesterday, 3/14 this year, 2023/3/14 before. */
export function listTime(unix) {
  if (!unix) return '';
  const d = new Date(unix * 1000);
  const now = new Date();
  if (sameDay(d, now)) return clock(unix);
  const y = new Date(now);
  y.setDate(now.getDate() - 1);
  if (sameDay(d, y)) return t('time.yesterday');
  const opts = d.getFullYear() === now.getFullYear()
    ? { month: 'numeric', day: 'numeric' }
    : { year: 'numeric', month: 'numeric', day: 'numeric' };
  return new Intl.DateTimeFormat(locale(), opts).format(d);
}

export function clock(unix) {
  return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit', hour12: false }).format(
    new Date(unix * 1000),
  );
}

/** The local calendar day of a unix time, as a sortable key. */
export function dayKey(unix) {
  const d = new Date(unix * 1000);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** A day separator label: Today, Yesterday, or the date. */
export function dayLabel(unix) {
  const d = new Date(unix * 1000);
  const now = new Date();
  if (sameDay(d, now)) return t('day.today');
  const y = new Date(now);
  y.setDate(now.getDate() - 1);
  if (sameDay(d, y)) return t('day.yesterday');
  const opts = { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' };
  if (d.getFullYear() === now.getFullYear()) delete opts.year;
  return new Intl.DateTimeFormat(locale(), opts).format(d);
}

/** A one-line preview of a message for the conversation list. */
export function preview(msg, myID, peerName) {
  if (!msg) return '';
  if (msg.isRevoked) {
    const byMe = msg.revoker ? msg.revoker === myID : msg.flow === 'out';
    return byMe ? t('chat.recalledByMe') : t('chat.recalledByPeer', { name: peerName || msg.from });
  }
  const p = msg.payload || {};
  switch (msg.type) {
    case 'TIMTextElem':
      return String(p.text || '').replace(/\s+/g, ' ');
    case 'TIMImageElem':
      return t('preview.image');
    case 'TIMSoundElem':
      return t('preview.sound');
    case 'TIMVideoFileElem':
      return t('preview.video');
    case 'TIMFileElem':
      return p.fileName ? `${t('preview.file')} ${p.fileName}` : t('preview.file');
    case 'TIMFaceElem':
      return t('preview.face');
    case 'TIMLocationElem':
      return p.description ? `${t('preview.location')} ${p.description}` : t('preview.location');
    case 'TIMCustomElem':
      if (typingStatus(msg) !== null) return '';
      return p.description ? String(p.description) : t('preview.custom');
    case 'TIMRelayElem':
      return t('preview.merger');
    case 'TIMGroupTipElem':
    case 'TIMGroupSystemNoticeElem':
      return tipText(msg, (id) => id);
    default:
      return t('preview.unknown');
  }
}
