// Groups: create one (type, name, members picked from friends), join one by
// ID (searchGroupByID, then joinGroup: joined, or waiting for approval), the
// group page (name, notice, members with their roles; add, remove, mute, set
// admin; quit, or dismiss for the owner), and in Contacts my groups and the
// applications to groups I own or administer (with a badge).

import { closeConversation, openConversation } from './chat.js';
import { $, closeModal, confirmAction, h, openModal, toast } from './dom.js';
import { avatar, memberCount } from './format.js';
import { onLangChange, t } from './i18n.js';
import { call, fetchGroup, loadMembers, refreshGroups, rememberGroup } from './session.js';
import {
  avatarUrl, displayName, errorOf, groupName, memberName, myRole, publish, state, subscribe,
} from './state.js';

/** The types a user can create here: [type, label key]. */
const CREATE_TYPES = [
  ['Private', 'group.typeWork'],
  ['Public', 'group.typePublic'],
  ['ChatRoom', 'group.typeMeeting'],
  ['Community', 'group.typeCommunity'],
];
/** Short names of the types, for lists and the group page. */
const TYPE_NAMES = {
  Private: 'group.kindWork',
  Public: 'group.kindPublic',
  ChatRoom: 'group.kindMeeting',
  Community: 'group.kindCommunity',
  AVChatRoom: 'group.kindLive',
};
const JOIN_OPTIONS = [
  ['FreeAccess', 'group.joinFree'],
  ['NeedPermission', 'group.joinApproval'],
  ['DisableApply', 'group.joinNone'],
];
const MUTE_SECONDS = 600;
const PRIVILEGED = ['Owner', 'Admin'];

let pageGroup = null; // the groupID whose page is open
let editing = null; // {field: 'name'|'notification', value} while editing on the group page
let pageStatus = null; // {text, kind} under the group page's head

export function initGroups() {
  $('#create-group-open').addEventListener('click', showCreate);
  $('#join-group-open').addEventListener('click', showJoin);
  $('#group-page-back').addEventListener('click', closeGroupPage);
  subscribe('showGroup', openGroupPage);
  subscribe('open', (cid) => {
    if (pageGroup && cid !== `GROUP${pageGroup}`) closeGroupPage();
  });
  subscribe('members', (gid) => gid === pageGroup && renderPage());
  subscribe('groups', () => {
    renderPage();
    renderMyGroups();
  });
  subscribe('profiles', () => {
    renderPage();
    renderApplications();
  });
  subscribe('friends', renderPage);
  subscribe('groupApplications', renderApplications);
  onLangChange(() => {
    renderPage();
    renderApplications();
    renderMyGroups();
  });
}

function typeLabel(type) {
  return TYPE_NAMES[type] ? t(TYPE_NAMES[type]) : type || '';
}

function field(label, control) {
  return h('label', { class: 'field' }, h('span', { class: 'field__label', text: label }), control);
}

function setStatus(el, text, kind = '') {
  el.textContent = text;
  el.className = `form__status${kind ? ` form__status--${kind}` : ''}`;
}

function failure(err) {
  const e = errorOf(err);
  if (e.code === 10010) return t('group.notFound');
  if (e.code === 10007) return t('group.notAllowed', e);
  return t('group.failed', e);
}

// ---- create a group

function showCreate() {
  const type = h('select', { dataset: { testid: 'create-group-type' } },
    ...CREATE_TYPES.map(([value, key]) => h('option', { value, text: t(key) })));
  const name = h('input', {
    maxlength: '30', autocomplete: 'off', dataset: { testid: 'create-group-name' },
    placeholder: t('group.namePlaceholder'),
  });
  const joinOption = h('select', { dataset: { testid: 'create-group-join-option' } },
    ...JOIN_OPTIONS.map(([value, key]) => h('option', { value, text: t(key) })));
  joinOption.value = 'NeedPermission';
  const joinField = field(t('group.joinOption'), joinOption);
  joinField.hidden = true;
  type.addEventListener('change', () => {
    joinField.hidden = type.value !== 'Public';
  });
  const picks = (state.friends || []).map((f) => h(
    'label',
    { class: 'pick', dataset: { testid: 'create-group-member', userid: f.userID } },
    h('input', { type: 'checkbox', value: f.userID }),
    avatar(f.userID, displayName(f.userID), avatarUrl(f.userID), 'xs'),
    h('span', { class: 'pick__name', text: displayName(f.userID) }),
    displayName(f.userID) !== f.userID ? h('span', { class: 'pick__id', text: f.userID }) : null,
  ));
  const status = h('p', { class: 'form__status', role: 'status', dataset: { testid: 'create-group-status' } });
  const submit = h('button', {
    type: 'submit', class: 'button button--primary button--block', dataset: { testid: 'create-group-submit' },
    text: t('group.createButton'),
  });
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    field(t('group.type'), type),
    field(t('group.name'), name),
    joinField,
    h('div', { class: 'field' },
      h('span', { class: 'field__label', text: t('group.pickMembers') }),
      picks.length ? h('div', { class: 'picks' }, ...picks) : h('p', { class: 'muted', text: t('group.noFriends') })),
    status,
    submit,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const n = name.value.trim();
    if (!n) {
      setStatus(status, t('group.needName'), 'error');
      name.focus();
      return;
    }
    const memberList = [...form.querySelectorAll('.pick input:checked')].map((box) => ({ userID: box.value }));
    const options = { type: type.value, name: n, memberList };
    if (type.value === 'Public') options.joinOption = joinOption.value;
    submit.disabled = true;
    try {
      const res = await call('createGroup', options);
      const group = res.data.group;
      rememberGroup(group);
      closeModal();
      toast(t('group.created', { name: group.name }));
      openConversation(`GROUP${group.groupID}`);
    } catch (err) {
      setStatus(status, failure(err), 'error');
      submit.disabled = false;
    }
  });
  openModal(t('group.createTitle'), form, { testid: 'create-group-dialog', closeLabel: t('common.close') });
}

// ---- join a group by ID

function showJoin() {
  const input = h('input', {
    autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false', dataset: { testid: 'join-group-id' },
    placeholder: t('group.idPlaceholder'), 'aria-label': t('group.idPlaceholder'),
  });
  const result = h('div', { class: 'join-result' });
  const status = h('p', { class: 'form__status', role: 'status', 'aria-live': 'polite', dataset: { testid: 'join-group-status' } });
  const form = h('form', { class: 'inline-form' }, input,
    h('button', { type: 'submit', class: 'button button--small', dataset: { testid: 'join-group-search' }, text: t('group.search') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const groupID = input.value.trim();
    if (!groupID) return;
    result.replaceChildren();
    setStatus(status, '');
    try {
      const res = await call('searchGroupByID', groupID);
      result.replaceChildren(found(res.data.group, status));
    } catch (err) {
      setStatus(status, failure(err), 'error');
    }
  });
  openModal(t('group.joinTitle'), [form, result, status], { testid: 'join-group-dialog', closeLabel: t('common.close') });
}

/** A group found by ID, with its join button. */
function found(group, status) {
  const needsApproval = group.type === 'Public' && group.joinOption === 'NeedPermission';
  const message = needsApproval
    ? h('textarea', { rows: '2', maxlength: '200', dataset: { testid: 'join-group-message' }, placeholder: t('group.applyPlaceholder') })
    : null;
  const join = h('button', {
    type: 'button', class: 'button button--primary', dataset: { testid: 'join-group-submit' },
    text: needsApproval ? t('group.apply') : t('group.joinButton'),
  });
  join.addEventListener('click', async () => {
    join.disabled = true;
    try {
      const res = await call('joinGroup', { groupID: group.groupID, applyMessage: message ? message.value.trim() : '' });
      const joined = res.data.status;
      if (joined === 'WaitAdminApproval') {
        setStatus(status, t('group.waiting', { name: group.name }), 'pending');
        return;
      }
      if (res.data.group) rememberGroup(res.data.group);
      closeModal();
      toast(joined === 'AlreadyInGroup' ? t('group.already', { name: group.name }) : t('group.joined', { name: group.name }));
      openConversation(`GROUP${group.groupID}`);
    } catch (err) {
      setStatus(status, failure(err), 'error');
      join.disabled = false;
    }
  });
  return h(
    'div',
    { class: 'group-card', dataset: { testid: 'join-group-found' } },
    h('div', { class: 'group-card__head' },
      avatar(group.groupID, group.name, group.avatar, 'md'),
      h('div', { class: 'group-card__text' },
        h('strong', { class: 'group-card__name', text: group.name || group.groupID }),
        h('span', { class: 'muted', dataset: { testid: 'join-group-meta' }, text: `${typeLabel(group.type)} · ${memberCount(group.memberCount || 0)}` }),
        h('span', { class: 'muted group-card__id', text: t('group.id', { id: group.groupID }) }))),
    group.introduction ? h('p', { class: 'group-card__intro', text: group.introduction }) : null,
    message,
    join,
  );
}

// ---- the group page

function openGroupPage(groupID) {
  pageGroup = groupID;
  editing = null;
  pageStatus = null;
  $('#chat-body').hidden = true;
  $('#group-page').hidden = false;
  renderPage();
  loadMembers(groupID);
  fetchGroup(groupID);
}

export function closeGroupPage() {
  if (!pageGroup) return;
  pageGroup = null;
  editing = null;
  $('#group-page').hidden = true;
  $('#chat-body').hidden = !state.current;
}

function renderPage() {
  if (!pageGroup) return;
  const gid = pageGroup;
  const g = state.groups.get(gid) || { groupID: gid };
  const role = myRole(gid);
  const entry = state.members.get(gid);
  const body = $('#group-page-body');
  const focused = document.activeElement && body.contains(document.activeElement) ? document.activeElement.dataset.testid : '';
  body.replaceChildren(
    headCard(g, role),
    noticeCard(g, role),
    membersCard(g, role, entry ? entry.list : [], Boolean(entry && entry.loaded)),
    actionsCard(g, role),
  );
  if (focused) {
    const again = body.querySelector(`[data-testid="${focused}"]`);
    if (again) again.focus({ preventScroll: true });
  }
}

function editor(fieldName, multiline, current, save) {
  const control = h(multiline ? 'textarea' : 'input', {
    class: 'group-edit__input',
    dataset: { testid: `group-${fieldName}-input` },
    maxlength: multiline ? '300' : '30',
    rows: multiline ? '3' : null,
    'aria-label': t(`group.${fieldName}`),
  });
  control.value = editing.value ?? current;
  control.addEventListener('input', () => {
    editing.value = control.value;
  });
  return h('form', {
    class: 'group-edit',
    onsubmit: (ev) => {
      ev.preventDefault();
      save(control.value.trim());
    },
  },
  control,
  h('div', { class: 'group-edit__actions' },
    h('button', {
      type: 'button', class: 'button button--small', dataset: { testid: `group-${fieldName}-cancel` }, text: t('group.cancel'),
      onclick: () => {
        editing = null;
        renderPage();
      },
    }),
    h('button', { type: 'submit', class: 'button button--small button--primary', dataset: { testid: `group-${fieldName}-save` }, text: t('group.save') })));
}

function editButton(fieldName) {
  return h('button', {
    type: 'button', class: 'link-button', dataset: { testid: `group-${fieldName}-edit` }, text: t('group.edit'),
    onclick: () => {
      editing = { field: fieldName, value: null };
      renderPage();
      const input = $(`[data-testid="group-${fieldName}-input"]`);
      if (input) input.focus();
    },
  });
}

async function saveProfile(gid, changes) {
  try {
    const res = await call('updateGroupProfile', { groupID: gid, ...changes });
    rememberGroup(res.data.group);
    editing = null;
    pageStatus = { text: t('group.saved'), kind: 'ok' };
  } catch (err) {
    pageStatus = { text: failure(err), kind: 'error' };
  }
  renderPage();
}

function headCard(g, role) {
  const gid = g.groupID;
  const name = groupName(gid);
  const privileged = PRIVILEGED.includes(role);
  const nameRow = editing && editing.field === 'name'
    ? editor('name', false, g.name || '', (value) => value && saveProfile(gid, { name: value }))
    : h('div', { class: 'group-head__row' },
      h('strong', { class: 'group-head__name', dataset: { testid: 'group-page-name' }, text: name }),
      privileged ? editButton('name') : null);
  const status = pageStatus
    ? h('p', { class: `form__status form__status--${pageStatus.kind}`, role: 'status', dataset: { testid: 'group-page-status' }, text: pageStatus.text })
    : null;
  return h('section', { class: 'card group-head' },
    h('div', { class: 'group-head__top' },
      avatar(gid, name, g.avatar, 'lg'),
      h('div', { class: 'group-head__text' },
        nameRow,
        h('span', { class: 'muted', dataset: { testid: 'group-page-id' }, text: t('group.id', { id: gid }) }),
        h('span', { class: 'muted', text: `${typeLabel(g.type)} · ${memberCount(g.memberCount || 0)}` }))),
    g.introduction ? h('p', { class: 'group-card__intro', text: g.introduction }) : null,
    status);
}

function noticeCard(g, role) {
  const privileged = PRIVILEGED.includes(role);
  const body = editing && editing.field === 'notification'
    ? editor('notification', true, g.notification || '', (value) => saveProfile(g.groupID, { notification: value }))
    : h('p', {
      class: g.notification ? 'group-notice' : 'group-notice muted',
      dataset: { testid: 'group-page-notification' },
      text: g.notification || t('group.noNotification'),
    });
  return h('section', { class: 'card' },
    h('h2', { class: 'card__title' }, h('span', { text: t('group.notification') }),
      privileged && !(editing && editing.field === 'notification') ? editButton('notification') : null),
    body);
}

function canInvite(g, role) {
  if (!role || g.type === 'AVChatRoom') return false;
  return g.type === 'Private' || PRIVILEGED.includes(role);
}

function membersCard(g, role, members, loaded) {
  const gid = g.groupID;
  const inGroup = new Set(members.map((m) => m.userID));
  let add = null;
  if (canInvite(g, role)) {
    const listId = `friends-${Date.now()}`;
    const input = h('input', {
      autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false', list: listId,
      dataset: { testid: 'group-add-member-input' }, placeholder: t('group.addPlaceholder'), 'aria-label': t('group.addPlaceholder'),
    });
    const options = (state.friends || []).filter((f) => !inGroup.has(f.userID))
      .map((f) => h('option', { value: f.userID, label: displayName(f.userID) }));
    add = h('form', {
      class: 'inline-form',
      onsubmit: async (ev) => {
        ev.preventDefault();
        const userID = input.value.trim();
        if (!userID) return;
        await memberAction(gid, () => call('addGroupMember', { groupID: gid, userIDList: [userID] }), (res) => {
          const d = res.data || {};
          if ((d.failureUserIDList || []).length) return t('group.addFailed', { userID });
          if ((d.existedUserIDList || []).length) return t('group.addExists', { userID });
          return t('group.added', { userID });
        });
      },
    },
    input,
    h('datalist', { id: listId }, ...options),
    h('button', { type: 'submit', class: 'button button--small button--primary', dataset: { testid: 'group-add-member-submit' }, text: t('group.add') }));
  }
  const now = Date.now() / 1000;
  const rows = members.map((m) => memberRow(g, role, m, now));
  return h('section', { class: 'card' },
    h('h2', { class: 'card__title', dataset: { testid: 'group-members-title' }, text: t('group.members', { count: g.memberCount || members.length }) }),
    add,
    h('ul', { class: 'people', dataset: { testid: 'group-member-list' } },
      ...(rows.length ? rows : [h('li', { class: 'empty', text: loaded ? t('group.noMembers') : t('group.loading') })])));
}

function memberRow(g, role, m, now) {
  const gid = g.groupID;
  const name = memberName(gid, m.userID);
  const self = m.userID === state.userID;
  const muted = Number(m.muteUntil) > now;
  const badges = [];
  if (m.role === 'Owner' || m.role === 'Admin') {
    badges.push(h('span', {
      class: `role role--${m.role.toLowerCase()}`, dataset: { testid: 'member-role' },
      text: m.role === 'Owner' ? t('group.roleOwner') : t('group.roleAdmin'),
    }));
  }
  if (muted) badges.push(h('span', { class: 'role role--muted', dataset: { testid: 'member-muted' }, text: t('group.muted') }));
  // the owner acts on everyone else; admins on members
  const over = !self && (role === 'Owner' ? m.role !== 'Owner' : role === 'Admin' && m.role === 'Member');
  const actions = [];
  if (over && role === 'Owner') {
    const admin = m.role === 'Admin';
    actions.push(small(admin ? t('group.unsetAdmin') : t('group.setAdmin'), 'member-admin', () => memberAction(
      gid, () => call('setGroupMemberRole', { groupID: gid, userID: m.userID, role: admin ? 'Member' : 'Admin' }))));
  }
  if (over) {
    actions.push(small(muted ? t('group.unmute') : t('group.mute'), 'member-mute', () => memberAction(
      gid, () => call('setGroupMemberMuteTime', { groupID: gid, userID: m.userID, muteTime: muted ? 0 : MUTE_SECONDS }))));
    actions.push(small(t('group.remove'), 'member-remove', async () => {
      const ok = await confirmAction(t('group.removeConfirm', { name }), {
        title: t('group.remove'), okLabel: t('group.remove'), cancelLabel: t('group.cancel'),
      });
      if (ok) await memberAction(gid, () => call('deleteGroupMember', { groupID: gid, userIDList: [m.userID] }));
    }, 'button--danger'));
  }
  const extra = name !== m.userID ? m.userID : '';
  return h('li', { class: 'person', dataset: { testid: 'group-member', userid: m.userID } },
    avatar(m.userID, name, m.avatar || avatarUrl(m.userID), 'md'),
    h('div', { class: 'person__body' },
      h('span', { class: 'person__name' }, h('span', { dataset: { testid: 'member-name' }, text: name }), ...badges),
      extra ? h('span', { class: 'person__extra', text: extra }) : null),
    actions.length ? h('div', { class: 'person__actions' }, ...actions) : null);
}

function small(label, testid, onclick, kind = '') {
  return h('button', { type: 'button', class: `button button--small ${kind}`, dataset: { testid }, text: label, onclick });
}

/** Run a member change, show how it went, and reload the members and the group. */
async function memberAction(gid, fn, describe) {
  try {
    const res = await fn();
    pageStatus = describe ? { text: describe(res), kind: 'ok' } : null;
  } catch (err) {
    pageStatus = { text: failure(err), kind: 'error' };
  }
  renderPage();
  loadMembers(gid);
  fetchGroup(gid);
}

function actionsCard(g, role) {
  const gid = g.groupID;
  if (!role) return h('section', { class: 'card' }, h('p', { class: 'muted', text: t('group.notMember') }));
  const owner = role === 'Owner';
  const button = h('button', {
    type: 'button',
    class: 'button button--danger button--block',
    dataset: { testid: owner ? 'group-dismiss' : 'group-quit' },
    text: owner ? t('group.dismiss') : t('group.quit'),
    onclick: async () => {
      const name = groupName(gid);
      const ok = await confirmAction(t(owner ? 'group.dismissConfirm' : 'group.quitConfirm', { name }), {
        title: owner ? t('group.dismiss') : t('group.quit'),
        okLabel: owner ? t('group.dismiss') : t('group.quit'),
        cancelLabel: t('group.cancel'),
      });
      if (!ok) return;
      try {
        await call(owner ? 'dismissGroup' : 'quitGroup', gid);
      } catch (err) {
        pageStatus = { text: failure(err), kind: 'error' };
        renderPage();
        return;
      }
      state.groups.delete(gid);
      state.members.delete(gid);
      publish('groups');
      closeGroupPage();
      if (state.current === `GROUP${gid}`) closeConversation();
      toast(t(owner ? 'group.dismissed' : 'group.left', { name }));
    },
  });
  return h('section', { class: 'card' }, button);
}

// ---- Contacts: my groups and applications

function renderMyGroups() {
  const list = $('#group-list');
  const mine = [...state.groups.values()].filter((g) => g.selfInfo);
  if (!mine.length) {
    list.replaceChildren(h('li', { class: 'empty', text: t('group.noGroups') }));
    return;
  }
  list.replaceChildren(...mine.map((g) => h(
    'li',
    { class: 'person', dataset: { testid: 'my-group', groupid: g.groupID } },
    avatar(g.groupID, g.name, g.avatar, 'md'),
    h('div', { class: 'person__body' },
      h('span', { class: 'person__name', text: g.name || g.groupID }),
      h('span', { class: 'person__extra', text: `${typeLabel(g.type)} · ${memberCount(g.memberCount || 0)}` })),
    h('div', { class: 'person__actions' },
      small(t('contacts.message'), 'my-group-open', () => openConversation(`GROUP${g.groupID}`), 'button--primary')),
  )));
}

function renderApplications() {
  const list = $('#group-app-list');
  const apps = state.groupApplications || [];
  const badge = $('#group-apps-badge');
  badge.textContent = String(apps.length);
  badge.hidden = apps.length === 0;
  if (!apps.length) {
    list.replaceChildren(h('li', { class: 'empty', text: t('group.noApplications') }));
    return;
  }
  list.replaceChildren(...apps.map((a) => {
    const name = a.applicantNick || displayName(a.applicant);
    return h(
      'li',
      { class: 'person', dataset: { testid: 'group-application', userid: a.applicant, groupid: a.groupID } },
      avatar(a.applicant, name, avatarUrl(a.applicant), 'md'),
      h('div', { class: 'person__body' },
        h('span', { class: 'person__name', text: name }),
        h('span', { class: 'person__extra person__extra--wrap', text: t('group.wantsToJoin', { group: a.groupName || a.groupID }) }),
        a.applyMessage ? h('span', { class: 'person__extra person__extra--wrap', text: a.applyMessage }) : null),
      h('div', { class: 'person__actions' },
        small(t('group.approve'), 'group-app-accept', () => answer(a, 'Agree'), 'button--primary'),
        small(t('group.reject'), 'group-app-reject', () => answer(a, 'Reject'))),
    );
  }));
}

async function answer(application, handleAction) {
  try {
    await call('handleGroupApplication', { handleAction, application });
  } catch (err) {
    toast(failure(err));
  }
  refreshGroups();
}
