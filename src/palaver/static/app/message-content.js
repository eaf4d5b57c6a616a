// What a message bubble shows: text, an image thumbnail (remote images only when
// asked, so a sender cannot track reads), a file card, audio and video players,
// and the progress bar of a message still uploading, with its cancel button.
// message-list.js places these in the conversation page; composer.js sends the uploads.

import { h, openModal, safeUrl, toast } from './dom.js';
import { preview } from './format.js';
import { t } from './i18n.js';
import { state } from './state.js';
import { renderMessages } from './message-list.js';
import { mergerCard } from './merged.js';

export function content(msg) {
  const p = msg.payload || {};
  if (uploads.has(msg)) return uploadingBubble(msg);
  switch (msg.type) {
    case 'TIMTextElem':
      return h('span', { class: 'msg__text', dataset: { testid: 'message-text' }, text: String(p.text ?? '') });
    case 'TIMImageElem':
      return imageBubble(msg, p);
    case 'TIMFileElem':
      return fileCard(msg, p);
    case 'TIMSoundElem': {
      const url = safeUrl(p.url || p.remoteAudioUrl || '');
      return url
        ? h('audio', { class: 'msg__audio', controls: true, preload: 'none', src: url, dataset: { testid: 'message-audio' } })
        : h('span', { class: 'msg__text', text: preview(msg, state.userID, '') });
    }
    case 'TIMVideoFileElem': {
      const url = safeUrl(p.videoUrl || p.remoteVideoUrl || '');
      const poster = safeUrl(p.thumbUrl || '', { image: true });
      return url
        ? h('video', { class: 'msg__video', controls: true, preload: 'metadata', src: url, poster: poster || null, dataset: { testid: 'message-video' } })
        : h('span', { class: 'msg__text', text: preview(msg, state.userID, '') });
    }
    case 'TIMRelayElem':
      return mergerCard(msg);
    default:
      return h('span', { class: 'msg__text msg__text--meta', text: preview(msg, state.userID, '') });
  }
}

/** Images on this origin show at once; from elsewhere only when asked (no tracking pixels). */
const allowedRemote = new Set();

function ownOrigin(url) {
  try {
    return new URL(url, location.href).origin === location.origin;
  } catch {
    return false;
  }
}

/** Tencent's sizes: 1 original, 2 large, 3 thumbnail (the SDKs' `type`, Tencent's `sizeType`). */
function imageOfSize(infos, size) {
  return infos.find((i) => i && (i.type === size || i.sizeType === size));
}

function imageBubble(msg, p) {
  const infos = Array.isArray(p.imageInfoArray) ? p.imageInfoArray : [];
  const original = imageOfSize(infos, 1) || infos[0] || {};
  const thumb = imageOfSize(infos, 3) || imageOfSize(infos, 2) || original;
  const src = safeUrl(thumb.url || thumb.URL || '', { image: true });
  const full = safeUrl(original.url || original.URL || '', { image: true }) || src;
  if (!src) return h('span', { class: 'msg__text', text: t('preview.image') });
  if (!ownOrigin(src) && !allowedRemote.has(msg.ID || src)) {
    let host = '';
    try {
      host = new URL(src).host;
    } catch {
      host = '?';
    }
    return h('button', {
      type: 'button', class: 'button msg__remote', dataset: { testid: 'load-remote-image' },
      text: t('media.loadRemote', { host }),
      onclick: () => {
        allowedRemote.add(msg.ID || src);
        renderMessages();
      },
    });
  }
  const img = h('img', {
    class: 'msg__image', src, alt: t('preview.image'), loading: 'lazy', referrerpolicy: 'no-referrer',
    dataset: { testid: 'message-image' }, tabindex: '0',
  });
  const open = () => openViewer(full);
  img.addEventListener('click', open);
  img.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') open();
  });
  return img;
}

function openViewer(url) {
  openModal(t('preview.image'), [
    h('img', { class: 'viewer__image', src: url, alt: t('preview.image'), referrerpolicy: 'no-referrer', dataset: { testid: 'viewer-image' } }),
  ], { testid: 'viewer', closeLabel: t('media.close') });
}

function fileCard(msg, p) {
  const url = safeUrl(p.fileUrl || p.url || p.remoteFileUrl || '');
  const name = String(p.fileName || t('preview.file'));
  return h('div', { class: 'msg__file', dataset: { testid: 'file-card' } },
    h('span', { class: 'msg__file-name', dataset: { testid: 'file-name' }, text: name }),
    h('span', { class: 'msg__file-size', dataset: { testid: 'file-size' }, text: formatSize(Number(p.fileSize) || 0) }),
    url
      ? h('a', { class: 'msg__link', href: url, download: name, rel: 'noopener noreferrer', dataset: { testid: 'file-download' }, text: t('media.download') })
      : null);
}

function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1 << 20) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1 << 20)).toFixed(1)} MB`;
}

// ---- media uploads

/** Messages uploading now: their progress (0..1) and whether cancelled. */
export const uploads = new Map();

function uploadingBubble(msg) {
  const up = uploads.get(msg);
  const percent = Math.round((up.progress || 0) * 100);
  const bar = h('progress', { class: 'msg__progress', max: 100, value: percent, dataset: { testid: 'upload-progress' } });
  return h('div', { class: 'msg__upload' },
    h('span', { class: 'msg__file-name', text: up.name }),
    bar,
    h('span', { class: 'msg__text msg__text--meta', text: t('media.uploading', { percent }) }),
    h('button', {
      type: 'button', class: 'button', dataset: { testid: 'upload-cancel' }, text: t('media.cancel'),
      onclick: () => cancelUpload(msg),
    }));
}

function cancelUpload(msg) {
  const up = uploads.get(msg);
  if (!up) return;
  up.cancelled = true;
  state.chat.cancelUploading(msg); // the bytes stop; sendMessage rejects (2802)
  uploads.delete(msg);
  const th = state.threads.get(up.cid);
  if (th) th.messages = th.messages.filter((m) => m !== msg);
  toast(t('media.cancelled'));
  if (up.cid === state.current) renderMessages();
}

/** The create*Message call for a file, by its type. */
export function creatorOf(file) {
  const type = file.type || '';
  if (type.startsWith('image/') && type !== 'image/svg+xml') return 'createImageMessage';
  if (type.startsWith('audio/')) return 'createAudioMessage';
  if (/^video\/(mp4|quicktime|webm)$/.test(type)) return 'createVideoMessage';
  return 'createFileMessage';
}
