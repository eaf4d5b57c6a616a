// A small emoji panel: Unicode emoji inserted into the message box as text.

import { h } from './dom.js';

export const EMOJI = [
  '😀', '😁', '😂', '🤣', '😊', '😍', '😘', '😎',
  '🤔', '😅', '😭', '😡', '😱', '😴', '🙄', '😉',
  '🥳', '🤗', '😇', '🙃', '😬', '🥺', '😋', '🤩',
  '👍', '👎', '👏', '🙏', '💪', '👋', '🤝', '✌️',
  '❤️', '💔', '🔥', '🎉', '🌹', '☕', '🍺', '✅',
];

/** Fill `panel` with emoji buttons; `onPick(emoji)` is called on a click. */
export function initEmojiPanel(panel, onPick) {
  panel.replaceChildren(
    ...EMOJI.map((e) =>
      h('button', {
        type: 'button',
        class: 'emoji-panel__item',
        dataset: { testid: 'emoji', emoji: e },
        'aria-label': e,
        text: e,
        onclick: () => onPick(e),
      }),
    ),
  );
}

/** Insert `text` at the caret of a textarea/input and keep the caret after it. */
export function insertAtCaret(input, text) {
  const start = input.selectionStart ?? input.value.length;
  const end = input.selectionEnd ?? input.value.length;
  input.setRangeText(text, start, end, 'end');
  input.dispatchEvent(new Event('input', { bubbles: true }));
}
