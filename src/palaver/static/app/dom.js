// Small DOM helpers. Everything user-provided goes in as text (textContent or
// attribute values), never as HTML: there is no innerHTML anywhere in the app.

/**
 * Create an element: h('button', {class: 'x', dataset: {testid: 'send'}, onclick: fn}, 'Send').
 * Children are nodes or strings (added as text nodes); null/false are skipped.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'text') el.textContent = value;
      else if (key === 'dataset') Object.assign(el.dataset, value);
      else if (key.startsWith('on') && typeof value === 'function') {
        el.addEventListener(key.slice(2), value);
      } else if (key in el && typeof value !== 'string') el[key] = value;
      else el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

export function show(el, visible = true) {
  el.hidden = !visible;
}

/** A URL safe for an image source or a link: http(s) (absolute or relative), or a data: image; else ''. */
export function safeUrl(url, { image = false } = {}) {
  if (typeof url !== 'string' || !url) return '';
  if (image && /^data:image\/(png|gif|jpeg|webp);base64,[a-z0-9+/=]+$/i.test(url)) return url;
  try {
    const u = new URL(url, location.href);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : '';
  } catch {
    return '';
  }
}

/** A short-lived message at the bottom of the screen. */
let toastTimer = 0;
export function toast(text) {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.hidden = true;
  }, 4000);
}

/**
 * A dialog over the page (create a group, join one, confirm…): `title` and
 * `body` nodes; Escape, the close button and the backdrop close it. Returns
 * `close()`. One dialog at a time: opening another closes the first.
 */
let closeOpen = null;
export function openModal(title, body, { testid = 'modal', closeLabel = 'Close', onClose = null } = {}) {
  closeModal();
  const titleId = `modal-title-${Date.now()}`;
  const close = () => {
    if (closeOpen !== close) return;
    closeOpen = null;
    document.removeEventListener('keydown', onKey);
    root.remove();
    if (onClose) onClose();
  };
  const onKey = (ev) => {
    if (ev.key === 'Escape') close();
  };
  const card = h(
    'div',
    { class: 'modal__card', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId, dataset: { testid } },
    h('header', { class: 'modal__header' },
      h('h2', { class: 'modal__title', id: titleId, text: title }),
      h('button', {
        type: 'button', class: 'icon-button modal__close', 'aria-label': closeLabel, title: closeLabel,
        dataset: { testid: 'modal-close' }, onclick: () => close(),
      }, h('span', { class: 'icon icon--close', 'aria-hidden': 'true' }))),
    h('div', { class: 'modal__body' }, body),
  );
  const root = h('div', { class: 'modal', onclick: (ev) => ev.target === root && close() }, card);
  document.body.append(root);
  document.addEventListener('keydown', onKey);
  closeOpen = close;
  const first = card.querySelector('input, select, textarea, .modal__body button');
  if (first) first.focus({ preventScroll: true });
  return close;
}

export function closeModal() {
  if (closeOpen) closeOpen();
}

/** Ask before something that cannot be undone; resolves true for `okLabel`. */
export function confirmAction(text, { title, okLabel, cancelLabel, danger = true }) {
  return new Promise((resolve) => {
    let answered = false;
    const answer = (yes) => {
      answered = true;
      close();
      resolve(yes);
    };
    const close = openModal(title, [
      h('p', { class: 'modal__text', text }),
      h('div', { class: 'modal__actions' },
        h('button', { type: 'button', class: 'button', dataset: { testid: 'confirm-cancel' }, text: cancelLabel, onclick: () => answer(false) }),
        h('button', {
          type: 'button', class: `button ${danger ? 'button--danger-solid' : 'button--primary'}`,
          dataset: { testid: 'confirm-ok' }, text: okLabel, onclick: () => answer(true),
        })),
    ], { testid: 'confirm', closeLabel: cancelLabel, onClose: () => answered || resolve(false) });
  });
}
