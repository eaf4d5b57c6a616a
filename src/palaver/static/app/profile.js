// "Me": my profile (nick, avatar URL, signature, AllowType), language, logout.

import { $, h } from './dom.js';
import { avatar } from './format.js';
import { getLang, onLangChange, setLang, t } from './i18n.js';
import { call } from './session.js';
import { errorOf, state, subscribe } from './state.js';

const ALLOW_TYPES = ['AllowType_Type_AllowAny', 'AllowType_Type_NeedConfirm', 'AllowType_Type_DenyAny'];

export function initProfile({ onLogout }) {
  subscribe('me', () => fill(true));
  onLangChange(() => {
    renderHead();
    $('#lang-select').value = getLang();
  });

  const select = $('#lang-select');
  select.value = getLang();
  select.addEventListener('change', () => setLang(select.value));

  $('#logout').addEventListener('click', () => onLogout());

  $('#profile-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const status = $('#profile-status');
    status.className = 'form__status';
    const allowType = $('#profile-allowtype').value;
    const fields = {
      nick: $('#profile-nick').value.trim(),
      avatar: $('#profile-avatar').value.trim(),
      selfSignature: $('#profile-signature').value.trim(),
      allowType: ALLOW_TYPES.includes(allowType) ? allowType : ALLOW_TYPES[0],
    };
    try {
      const res = await call('updateMyProfile', fields);
      const p = res && res.data && (res.data.profile || res.data);
      state.me = { ...(state.me || {}), ...fields, ...(p && p.userID ? p : {}) };
      state.profiles.set(state.userID, { ...(state.profiles.get(state.userID) || {}), ...state.me });
      status.textContent = t('profile.saved');
      status.classList.add('form__status--ok');
      fill(false);
    } catch (err) {
      status.textContent = t('profile.failed', errorOf(err));
      status.classList.add('form__status--error');
    }
  });
}

/** Show my profile; `inputs` false keeps what the user is typing. */
function fill(inputs) {
  const me = state.me || {};
  if (inputs) {
    $('#profile-nick').value = me.nick || '';
    $('#profile-avatar').value = me.avatar || '';
    $('#profile-signature').value = me.selfSignature || '';
    $('#profile-allowtype').value = ALLOW_TYPES.includes(me.allowType) ? me.allowType : ALLOW_TYPES[0];
  }
  renderHead();
}

function renderHead() {
  const me = state.me || {};
  const id = state.userID;
  if (!id) return;
  const name = me.nick || id;
  $('#profile-head').replaceChildren(
    avatar(id, name, me.avatar, 'lg'),
    h('div', { class: 'profile-head__text' },
      h('strong', { class: 'profile-head__name', dataset: { testid: 'my-name' }, text: name }),
      h('span', { class: 'muted', text: t('profile.userID', { userID: id }) }),
      me.selfSignature ? h('span', { class: 'profile-head__sig', text: me.selfSignature }) : null),
  );
  const chip = $('#me-chip');
  chip.replaceChildren(avatar(id, name, me.avatar, 'xs'), h('span', { class: 'me-chip__name', text: name }));
}
