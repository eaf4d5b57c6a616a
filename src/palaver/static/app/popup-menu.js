// A floating ARIA menu (role="menu" of role="menuitem" buttons) shared by the
// message menu and the conversation menu, and the long-press that opens them on
// touch screens (a right-click does on desktop).
//
// Keyboard: the first item takes the focus; the arrow keys move (Home / End to
// the ends), Enter or Space picks, Escape or Tab closes. A press outside,
// the mouse wheel or resizing closes it. Closing gives the focus
// back to what opened it (when that is still on the page).

import { h } from './dom.js';

export const LONG_PRESS_MS = 500;
const MOVE_TOLERANCE_PX = 10;
const MARGIN_PX = 8;

let current = null; // {root, close}
let closedBy = null; // where the press that closed the last menu landed (until its click)

document.addEventListener('pointerdown', () => {
  closedBy = null;
}, true);
window.addEventListener('click', () => {
  closedBy = null;
});

/** Whether the press now ending on `el` closed a menu (so its click should not open it again). */
export function closedByPress(el) {
  return Boolean(closedBy && el.contains(closedBy));
}

/**
 * Open a menu of `items` (elements; `menuItem()` makes them, groups of them
 * allowed) at `at`: `{x, y}` in viewport pixels or an element to sit under
 * (above it when there is no room). `returnTo()` gives the element to focus on
 * closing. One menu at a time: opening another closes the first.
 */
export function openMenu({ items, at, label, testid, returnTo = null, onClose = null }) {
  closeMenu();
  const root = h('div', { class: 'popup-menu', role: 'menu', 'aria-label': label, dataset: { testid }, tabindex: '-1' }, items);
  document.body.append(root);
  place(root, at);
  const onOutside = (ev) => {
    if (root.contains(ev.target)) return;
    closedBy = ev.target;
    close(false);
  };
  const onAway = (ev) => {
    if (!(ev.target instanceof Node) || !root.contains(ev.target)) close(false);
  };
  const close = (refocus = true) => {
    if (!current || current.root !== root) return;
    current = null;
    document.removeEventListener('pointerdown', onOutside, true);
    document.removeEventListener('wheel', onAway, true);
    window.removeEventListener('resize', onAway);
    root.remove();
    if (onClose) onClose();
    const back = refocus && returnTo ? returnTo() : null;
    if (back && back.isConnected) back.focus({ preventScroll: true });
  };
  root.addEventListener('keydown', (ev) => onKey(ev, root, close));
  // an item picked closes the menu first (its action may move the focus on: a dialog, the message box)
  root.addEventListener('click', (ev) => {
    if (ev.target.closest('[role^="menuitem"]')) close(true);
  }, true);
  document.addEventListener('pointerdown', onOutside, true);
  document.addEventListener('wheel', onAway, { capture: true, passive: true });
  window.addEventListener('resize', onAway);
  current = { root, close };
  const first = menuItems(root)[0];
  (first || root).focus({ preventScroll: true });
  return close;
}

export function closeMenu() {
  if (current) current.close(false);
}

/** A menu item: a button with role="menuitem" (or "menuitemcheckbox" when `checked` is given). */
export function menuItem({ text, testid, onPick, danger = false, checked = null, label = null, extra = {} }) {
  return h('button', {
    type: 'button',
    role: checked === null ? 'menuitem' : 'menuitemcheckbox',
    'aria-checked': checked === null ? null : String(Boolean(checked)),
    'aria-label': label,
    class: `popup-menu__item${danger ? ' popup-menu__item--danger' : ''}`,
    tabindex: '-1',
    dataset: { testid, ...extra },
    text,
    onclick: () => onPick(),
  });
}

function menuItems(root) {
  return [...root.querySelectorAll('[role^="menuitem"]')];
}

function onKey(ev, root, close) {
  const items = menuItems(root);
  const at = items.indexOf(document.activeElement);
  const move = (i) => {
    ev.preventDefault();
    if (items.length) items[(i + items.length) % items.length].focus();
  };
  switch (ev.key) {
    case 'ArrowDown':
    case 'ArrowRight':
      return move(at + 1);
    case 'ArrowUp':
    case 'ArrowLeft':
      return move(at < 0 ? -1 : at - 1);
    case 'Home':
      return move(0);
    case 'End':
      return move(-1);
    case 'Enter':
    case ' ':
      ev.preventDefault();
      if (at >= 0) items[at].click();
      return undefined;
    case 'Escape':
      ev.preventDefault();
      ev.stopPropagation();
      return close(true);
    case 'Tab':
      ev.preventDefault();
      return close(true);
    default:
      return undefined;
  }
}

/** Put the menu at a point, or under (else over) an element, inside the viewport. */
function place(root, at) {
  const width = root.offsetWidth;
  const height = root.offsetHeight;
  const vw = window.innerWidth;
  const vh = window.innerHeight;
  let x;
  let y;
  if (at instanceof Element) {
    const r = at.getBoundingClientRect();
    x = r.left;
    y = r.bottom + 4 + height <= vh - MARGIN_PX ? r.bottom + 4 : r.top - 4 - height;
  } else {
    x = at.x;
    y = at.y + height <= vh - MARGIN_PX ? at.y : at.y - height;
  }
  x = Math.max(MARGIN_PX, Math.min(x, vw - width - MARGIN_PX));
  y = Math.max(MARGIN_PX, Math.min(y, vh - height - MARGIN_PX));
  root.style.left = `${Math.round(x)}px`;
  root.style.top = `${Math.round(y)}px`;
}

/**
 * Call `fn(el, {x, y})` when an element under `container` matching `selector`
 * is right-clicked (or gets the context-menu key), or touched for
 * LONG_PRESS_MS without moving. The click that ends a long press is swallowed.
 */
export function onMenuGesture(container, selector, fn) {
  const target = (ev) => {
    const el = ev.target instanceof Element ? ev.target.closest(selector) : null;
    return el && container.contains(el) && !ev.target.closest('a, audio, video, input, textarea') ? el : null;
  };
  container.addEventListener('contextmenu', (ev) => {
    const el = target(ev);
    if (!el) return;
    ev.preventDefault();
    fn(el, ev.button === 2 && (ev.clientX || ev.clientY) ? { x: ev.clientX, y: ev.clientY } : el);
  });
  container.addEventListener('keydown', (ev) => {
    const el = ev.key === 'ContextMenu' || (ev.key === 'F10' && ev.shiftKey) ? target(ev) : null;
    if (!el) return;
    ev.preventDefault();
    fn(el, el);
  });
  let press = null; // {timer, x, y, fired} of the touch going on
  container.addEventListener('pointerdown', (ev) => {
    if (press) clearTimeout(press.timer);
    press = null;
    const el = ev.pointerType === 'mouse' ? null : target(ev);
    if (!el) return;
    const p = { x: ev.clientX, y: ev.clientY, fired: false, timer: 0 };
    p.timer = setTimeout(() => {
      p.fired = true;
      fn(el, el);
    }, LONG_PRESS_MS);
    press = p;
  });
  const cancel = () => {
    if (press && !press.fired) {
      clearTimeout(press.timer);
      press = null;
    }
  };
  container.addEventListener('pointermove', (ev) => {
    if (press && Math.hypot(ev.clientX - press.x, ev.clientY - press.y) > MOVE_TOLERANCE_PX) cancel();
  });
  for (const name of ['pointerup', 'pointercancel']) container.addEventListener(name, cancel);
  container.addEventListener('click', (ev) => {
    if (press && press.fired) {
      ev.preventDefault();
      ev.stopPropagation();
    }
    press = null;
  }, true);
}
