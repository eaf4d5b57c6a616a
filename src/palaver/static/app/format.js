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
    default:
      return t('preview.unknown');
  }
}
