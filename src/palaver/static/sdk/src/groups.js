/**
 * Groups: create, join, leave, profiles, members, roles, applications and
 * live rooms (Tencent's group calls). AVChatRooms joined (or created) on this
 * device are followed per connection: the SDK joins them again after a
 * reconnect, and their messages make no conversation.
 *
 * @module palaver-chat/groups
 */

import {TYPES} from './constants.js';
import {invalid} from './errors.js';
import {RelationAPI} from './relations.js';
import {isObject} from './util.js';

/**
 * @template T
 * @typedef {import('./types.js').ChatResponse<T>} ChatResponse
 */
/** @typedef {import('./types.js').Group} Group */
/** @typedef {import('./types.js').GroupMember} GroupMember */
/** @typedef {import('./types.js').GroupRole} GroupRole */
/** @typedef {import('./types.js').JoinStatus} JoinStatus */
/** @typedef {import('./types.js').GroupApplicationList} GroupApplicationList */
/** @typedef {import('./types.js').CreateGroupOptions} CreateGroupOptions */
/** @typedef {import('./types.js').UpdateGroupOptions} UpdateGroupOptions */

/** Group calls of a `PalaverChat`. */
export class GroupAPI extends RelationAPI {

  /**
   * A group request: `options` must be an object with a non-empty string
   * `groupID` (unless `needsGroup` is false); the listed `fields` that are set
   * are sent. Resolves the response data; rejects 6017 before sending on bad
   * options, else the server's code.
   * @protected
   * @param {string} op
   * @param {unknown} options an object, or a groupID
   * @param {string[]} fields
   * @param {boolean} [needsGroup]
   * @returns {Promise<Record<string, any>>}
   */
  async _groupRequest(op, options, fields, needsGroup = true) {
    if (typeof options === 'string') options = {groupID: options};
    if (!isObject(options)) throw invalid(`${op} expects an object`);
    if (needsGroup && (typeof options.groupID !== 'string' || !options.groupID)) {
      throw invalid(`${op}: groupID must be a non-empty string`);
    }
    const req = needsGroup ? {groupID: options.groupID} : {};
    for (const k of fields) if (options[k] !== undefined) req[k] = options[k];
    return this._request(op, req);
  }

  /**
   * Create a group; I am its owner and every member gets GROUP_LIST_UPDATED.
   * `type` is a `TYPES.GRP_*` (default `GRP_WORK`, 'Private'); `memberList`
   * items are `{userID, role?, memberCustomField?}` (or userIDs), up to 100;
   * `joinOption` a `TYPES.JOIN_OPTIONS_*`. Resolves `{code: 0, data: {group}}`.
   *
   * Rejects: 10004 bad type, name over 30 bytes or other sizes, role or
   * option; 10015 bad custom groupID (it must not start with `@TGS#`); 10021
   * groupID in use; 10019 a member is not an imported account; 10038 more
   * members than the type allows; 6017 bad arguments.
   * @param {CreateGroupOptions} options
   * @returns {Promise<ChatResponse<{group: Group}>>}
   */
  async createGroup(options) {
    if (!isObject(options) || typeof options.name !== 'string') throw invalid('createGroup expects {type, name, ...}');
    const req = {...options, type: options.type || TYPES.GRP_WORK};
    if (req.memberList !== undefined) {
      if (!Array.isArray(req.memberList)) throw invalid('createGroup: memberList must be an array');
      req.memberList = req.memberList.map((m) => (typeof m === 'string' ? {userID: m} : m));
    }
    const d = await this._groupRequest('createGroup', req, [
      'type', 'name', 'groupID', 'introduction', 'notification', 'avatar', 'maxMemberNum', 'joinOption',
      'memberList', 'groupCustomField',
    ], false);
    // the creator of an AVChatRoom is in the room on this connection (joined again after a reconnect)
    if (isObject(d.group) && d.group.type === TYPES.GRP_AVCHATROOM) this._sess?.avRooms.add(String(d.group.groupID));
    return {code: 0, data: {group: d.group || null}};
  }

  /**
   * The groups I am a member of, newest join first: `{code: 0, data:
   * {groupList: Group[]}}` (AVChatRooms joined on this connection are not
   * memberships and are not listed).
   * @returns {Promise<ChatResponse<{groupList: Group[]}>>}
   */
  async getGroupList() {
    const d = await this._request('getGroupList', {});
    return {code: 0, data: {groupList: d.groupList || []}};
  }

  /**
   * One group's profile: `{code: 0, data: {group}}` (`selfInfo` set when I am
   * a member). Rejects 10010 no such group; 10007 a Private group I am not in.
   * @param {{groupID: string}} options
   * @returns {Promise<ChatResponse<{group: Group}>>}
   */
  async getGroupProfile(options) {
    const d = await this._groupRequest('getGroupProfile', options, []);
    return {code: 0, data: {group: d.group || null}};
  }

  /**
   * Change a group's profile (owner or admin); members get a group tip
   * (`GRP_TIP_GRP_PROFILE_UPDATED`). Resolves `{code: 0, data: {group}}`.
   * Rejects 10007 not owner/admin, 10004 a bad value, 10010 no such group.
   * @param {UpdateGroupOptions} options
   * @returns {Promise<ChatResponse<{group: Group}>>}
   */
  async updateGroupProfile(options) {
    const d = await this._groupRequest('updateGroupProfile', options, [
      'name', 'introduction', 'notification', 'avatar', 'maxMemberNum', 'joinOption', 'muteAllMembers',
      'groupCustomField',
    ]);
    return {code: 0, data: {group: d.group || null}};
  }

  /**
   * Join a group, or apply to. Resolves `{code: 0, data: {status, group?}}`,
   * `status` a `TYPES.JOIN_STATUS_*`: JoinedSuccess (GROUP_LIST_UPDATED
   * follows), WaitAdminApproval (the owner and admins get
   * GROUP_APPLICATION_LIST_UPDATED), AlreadyInGroup. An AVChatRoom is joined
   * on this connection only; the SDK joins it again after a reconnect.
   *
   * Rejects 10010 no such group; 10007 a Private group or one that takes no
   * applications; 10014 full.
   * @param {{groupID: string, applyMessage?: string}} options
   * @returns {Promise<ChatResponse<{status: JoinStatus, group?: Group}>>}
   */
  async joinGroup(options) {
    const sess = this._requireSession();
    const d = await this._groupRequest('joinGroup', options, ['applyMessage']);
    const group = isObject(d.group) ? d.group : null;
    const status = String(d.status || TYPES.JOIN_STATUS_SUCCESS);
    if (group && group.type === TYPES.GRP_AVCHATROOM && status !== TYPES.JOIN_STATUS_WAIT_APPROVAL) {
      sess.avRooms.add(String(group.groupID || options.groupID));
    }
    return {code: 0, data: group ? {status, group} : {status}};
  }

  /**
   * Leave a group (`quitGroup('@TGS#…')`): its conversation goes, and
   * GROUP_LIST_UPDATED follows. Resolves `{code: 0, data: {groupID}}`.
   * Rejects 10009 I am the owner (dismiss it, or hand it over first); 10007
   * not a member; 10010 no such group.
   * @param {string} groupID
   * @returns {Promise<ChatResponse<{groupID: string}>>}
   */
  async quitGroup(groupID) {
    const sess = this._requireSession();
    const d = await this._groupRequest('quitGroup', groupID, []);
    const id = String(d.groupID || (isObject(groupID) ? groupID.groupID : groupID));
    sess.avRooms.delete(id);
    return {code: 0, data: {groupID: id}};
  }

  /**
   * Dismiss a group I own (`dismissGroup('@TGS#…')`): every member gets
   * GROUP_LIST_UPDATED and loses the conversation; the history is deleted.
   * Resolves `{code: 0, data: {groupID}}`. Rejects 10007 not the owner, 10010.
   * @param {string} groupID
   * @returns {Promise<ChatResponse<{groupID: string}>>}
   */
  async dismissGroup(groupID) {
    const sess = this._requireSession();
    const d = await this._groupRequest('dismissGroup', groupID, []);
    const id = String(d.groupID || (isObject(groupID) ? groupID.groupID : groupID));
    sess.avRooms.delete(id);
    return {code: 0, data: {groupID: id}};
  }

  /**
   * A group's public profile by ID (`searchGroupByID('@TGS#…')`), to join it:
   * `{code: 0, data: {group}}`. Rejects 10010 no such group; 10007 a Private
   * group (found only by invitation).
   * @param {string} groupID
   * @returns {Promise<ChatResponse<{group: Group}>>}
   */
  async searchGroupByID(groupID) {
    const d = await this._groupRequest('searchGroupByID', groupID, []);
    return {code: 0, data: {group: d.group || null}};
  }

  /**
   * Hand a group I own to a member (I become a Member). Resolves `{code: 0,
   * data: {group}}`. Rejects 10007 not the owner; 10004 the new owner is not a member.
   * @param {{groupID: string, newOwnerID: string}} options
   * @returns {Promise<ChatResponse<{group: Group}>>}
   */
  async changeGroupOwner(options) {
    const d = await this._groupRequest('changeGroupOwner', options, ['newOwnerID']);
    return {code: 0, data: {group: d.group || null}};
  }

  /**
   * Pending applications to groups I own or administer: `{code: 0, data:
   * {applicationList: [{groupID, groupName, applicant, applicantNick,
   * applyMessage, time}], unreadCount}}`.
   * @returns {Promise<ChatResponse<GroupApplicationList>>}
   */
  async getGroupApplicationList() {
    const d = await this._request('getGroupApplicationList', {});
    return {code: 0, data: {applicationList: d.applicationList || [], unreadCount: Number(d.unreadCount) || 0}};
  }

  /**
   * Agree to or reject an application (owner or admin): `{handleAction:
   * 'Agree'|'Reject', handleMessage?, application}` with `application` an item
   * of getGroupApplicationList (or `groupID` and `applicant` directly). The
   * applicant joins (Agree) or gets GROUP_LIST_UPDATED 'rejected'. Resolves
   * `{code: 0, data: {}}`. Rejects 10024 no such pending application, 10007
   * not owner/admin, 10014 the group is full.
   * @param {{handleAction: 'Agree' | 'Reject', handleMessage?: string, application?: {groupID: string, applicant: string}, groupID?: string, applicant?: string}} options
   * @returns {Promise<ChatResponse<Record<string, never>>>}
   */
  async handleGroupApplication(options) {
    if (!isObject(options)) throw invalid('handleGroupApplication expects {handleAction, application}');
    const app = isObject(options.application) ? options.application : options;
    if (typeof app.applicant !== 'string' || !app.applicant) throw invalid('handleGroupApplication: no applicant');
    const d = await this._groupRequest('handleGroupApplication', {
      groupID: app.groupID,
      applicant: app.applicant,
      handleAction: options.handleAction,
      handleMessage: options.handleMessage,
    }, ['applicant', 'handleAction', 'handleMessage']);
    return {code: 0, data: d};
  }

  /**
   * A page of a group's members, owner first then by join time: `{code: 0,
   * data: {memberList: [{userID, nick, avatar, role, joinTime, nameCard,
   * muteUntil, memberCustomField}], offset}}` (`offset`: the next page's, 0
   * when done). `count` 1..100 (15), `role` a `TYPES.GRP_MBR_ROLE_*` filter.
   * Rejects 10007 not a member (Private), 10010.
   * @param {{groupID: string, count?: number, offset?: number, role?: GroupRole}} options
   * @returns {Promise<ChatResponse<{memberList: GroupMember[], offset: number}>>}
   */
  async getGroupMemberList(options) {
    const d = await this._groupRequest('getGroupMemberList', options, ['count', 'offset', 'role']);
    return {code: 0, data: {memberList: d.memberList || [], offset: Number(d.offset) || 0}};
  }

  /**
   * Some members' profiles in a group (non-members left out): `{code: 0, data:
   * {memberList}}`. Up to 50 userIDs.
   * @param {{groupID: string, userIDList: string[]}} options
   * @returns {Promise<ChatResponse<{memberList: GroupMember[]}>>}
   */
  async getGroupMemberProfile(options) {
    if (!isObject(options) || !Array.isArray(options.userIDList)) {
      throw invalid('getGroupMemberProfile expects {groupID, userIDList}');
    }
    const d = await this._groupRequest('getGroupMemberProfile', options, ['userIDList']);
    return {code: 0, data: {memberList: d.memberList || []}};
  }

  /**
   * Add members (who may invite depends on the type: any member of a Work
   * group, the owner and admins otherwise). Resolves `{code: 0, data:
   * {successUserIDList, failureUserIDList, existedUserIDList, group}}`.
   * Rejects 10007 I may not invite, 10014 the group would be over its limit.
   * @param {{groupID: string, userIDList: string[]}} options
   * @returns {Promise<ChatResponse<{successUserIDList: string[], failureUserIDList: string[], existedUserIDList: string[], group: Group}>>}
   */
  async addGroupMember(options) {
    if (!isObject(options) || !Array.isArray(options.userIDList)) throw invalid('addGroupMember expects {groupID, userIDList}');
    const d = await this._groupRequest('addGroupMember', options, ['userIDList']);
    return {
      code: 0,
      data: {
        successUserIDList: d.successUserIDList || [], failureUserIDList: d.failureUserIDList || [],
        existedUserIDList: d.existedUserIDList || [], group: d.group || null,
      },
    };
  }

  /**
   * Remove members (the owner removes anyone, admins remove members); they get
   * GROUP_LIST_UPDATED 'kicked'. Resolves `{code: 0, data: {group, userIDList}}`.
   * Rejects 10007 not allowed.
   * @param {{groupID: string, userIDList: string[], reason?: string}} options
   * @returns {Promise<ChatResponse<{group: Group, userIDList: string[]}>>}
   */
  async deleteGroupMember(options) {
    if (!isObject(options) || !Array.isArray(options.userIDList)) {
      throw invalid('deleteGroupMember expects {groupID, userIDList}');
    }
    const d = await this._groupRequest('deleteGroupMember', options, ['userIDList', 'reason']);
    return {code: 0, data: {group: d.group || null, userIDList: d.userIDList || []}};
  }

  /**
   * Make a member an admin or a member again (owner only): `role`
   * `TYPES.GRP_MBR_ROLE_ADMIN` or `_MEMBER`. Resolves `{code: 0, data: {group,
   * member}}`. Rejects 10007 not the owner or not a member, 10004 bad role.
   * @param {{groupID: string, userID: string, role: 'Admin' | 'Member'}} options
   * @returns {Promise<ChatResponse<{group: Group, member: GroupMember}>>}
   */
  async setGroupMemberRole(options) {
    const d = await this._groupRequest('setGroupMemberRole', options, ['userID', 'role']);
    return {code: 0, data: {group: d.group || null, member: d.member || null}};
  }

  /**
   * Mute a member for `muteTime` seconds from now (0 unmutes); owner or admin
   * over lower roles. Their sends fail with 10017 meanwhile. Resolves
   * `{code: 0, data: {group, member}}`. Rejects 10007 not allowed.
   * @param {{groupID: string, userID: string, muteTime: number}} options
   * @returns {Promise<ChatResponse<{group: Group, member: GroupMember}>>}
   */
  async setGroupMemberMuteTime(options) {
    const d = await this._groupRequest('setGroupMemberMuteTime', options, ['userID', 'muteTime']);
    return {code: 0, data: {group: d.group || null, member: d.member || null}};
  }

  /**
   * Set a member's name card in the group (mine, or anyone's as owner/admin).
   * Resolves `{code: 0, data: {group, member}}`. Rejects 10007, 10004 too long.
   * @param {{groupID: string, userID?: string, nameCard: string}} options
   * @returns {Promise<ChatResponse<{group: Group, member: GroupMember}>>}
   */
  async setGroupMemberNameCard(options) {
    const d = await this._groupRequest('setGroupMemberNameCard', options, ['userID', 'nameCard']);
    return {code: 0, data: {group: d.group || null, member: d.member || null}};
  }

  /**
   * Set a member's custom fields `[{key, value}]` (mine, or anyone's as
   * owner/admin). Resolves `{code: 0, data: {group, member}}`.
   * @param {{groupID: string, userID?: string, memberCustomField: Array<{key: string, value: string}>}} options
   * @returns {Promise<ChatResponse<{group: Group, member: GroupMember}>>}
   */
  async setGroupMemberCustomField(options) {
    const d = await this._groupRequest('setGroupMemberCustomField', options, ['userID', 'memberCustomField']);
    return {code: 0, data: {group: d.group || null, member: d.member || null}};
  }

  /**
   * How many members are online now (`getGroupOnlineMemberCount('@TGS#…')`;
   * an AVChatRoom: users in the room): `{code: 0, data: {memberCount}}`.
   * @param {string} groupID
   * @returns {Promise<ChatResponse<{memberCount: number}>>}
   */
  async getGroupOnlineMemberCount(groupID) {
    const d = await this._groupRequest('getGroupOnlineMemberCount', groupID, []);
    return {code: 0, data: {memberCount: Number(d.memberCount) || 0}};
  }

  // -- group attributes and counters (every member; an AVChatRoom: once in the room)

  /**
   * Replace every attribute of the group with `groupAttributes` (`{key: value}`);
   * members get GROUP_ATTRIBUTES_UPDATED. Resolves `{code: 0, data: {groupAttributes}}`.
   * Rejects 10007 not a member, 10004 past the limits (16 keys of at most 32
   * bytes, values of at most 4000 bytes, 16,000 bytes in all).
   * @param {{groupID: string, groupAttributes: Record<string, string>}} options
   * @returns {Promise<ChatResponse<{groupAttributes: Record<string, string>}>>}
   */
  async initGroupAttributes(options) {
    const d = await this._groupRequest('initGroupAttributes', options, ['groupAttributes']);
    return {code: 0, data: {groupAttributes: d.groupAttributes || {}}};
  }

  /**
   * Add or change attributes. Resolves `{code: 0, data: {groupAttributes}}`
   * (those set). Rejects as `initGroupAttributes`.
   * @param {{groupID: string, groupAttributes: Record<string, string>}} options
   * @returns {Promise<ChatResponse<{groupAttributes: Record<string, string>}>>}
   */
  async setGroupAttributes(options) {
    const d = await this._groupRequest('setGroupAttributes', options, ['groupAttributes']);
    return {code: 0, data: {groupAttributes: d.groupAttributes || {}}};
  }

  /**
   * Delete attributes (every one when `keyList` is empty). Resolves `{code: 0,
   * data: {keyList}}` (the keys that were there). Rejects 10007 not a member.
   * @param {{groupID: string, keyList?: string[]}} options
   * @returns {Promise<ChatResponse<{keyList: string[]}>>}
   */
  async deleteGroupAttributes(options) {
    const d = await this._groupRequest('deleteGroupAttributes', options, ['keyList']);
    return {code: 0, data: {keyList: d.keyList || []}};
  }

  /**
   * The group's attributes (all, or `keyList`): `{code: 0, data: {groupAttributes}}`.
   * Rejects 10007 not a member.
   * @param {{groupID: string, keyList?: string[]}} options
   * @returns {Promise<ChatResponse<{groupAttributes: Record<string, string>}>>}
   */
  async getGroupAttributes(options) {
    const d = await this._groupRequest('getGroupAttributes', options, ['keyList']);
    return {code: 0, data: {groupAttributes: d.groupAttributes || {}}};
  }

  /**
   * Set counters (`{key: integer}`); members get GROUP_COUNTER_UPDATED per key.
   * Resolves `{code: 0, data: {counters}}`. Rejects 10007 not a member, 10004
   * more than 20 counters or a key over 128 bytes.
   * @param {{groupID: string, counters: Record<string, number>}} options
   * @returns {Promise<ChatResponse<{counters: Record<string, number>}>>}
   */
  async setGroupCounters(options) {
    const d = await this._groupRequest('setGroupCounters', options, ['counters']);
    return {code: 0, data: {counters: d.counters || {}}};
  }

  /**
   * Add `value` (at least 0) to a counter (a missing one starts at 0).
   * Resolves `{code: 0, data: {counters: {[key]: newValue}}}`.
   * @param {{groupID: string, key: string, value: number}} options
   * @returns {Promise<ChatResponse<{counters: Record<string, number>}>>}
   */
  async increaseGroupCounter(options) {
    const d = await this._groupRequest('increaseGroupCounter', options, ['key', 'value']);
    return {code: 0, data: {counters: d.counters || {}}};
  }

  /**
   * Take `value` (at least 0) from a counter.
   * Resolves `{code: 0, data: {counters: {[key]: newValue}}}`.
   * @param {{groupID: string, key: string, value: number}} options
   * @returns {Promise<ChatResponse<{counters: Record<string, number>}>>}
   */
  async decreaseGroupCounter(options) {
    const d = await this._groupRequest('decreaseGroupCounter', options, ['key', 'value']);
    return {code: 0, data: {counters: d.counters || {}}};
  }

  /**
   * The group's counters (all, or `keyList`): `{code: 0, data: {counters}}`.
   * Rejects 10007 not a member.
   * @param {{groupID: string, keyList?: string[]}} options
   * @returns {Promise<ChatResponse<{counters: Record<string, number>}>>}
   */
  async getGroupCounters(options) {
    const d = await this._groupRequest('getGroupCounters', options, ['keyList']);
    return {code: 0, data: {counters: d.counters || {}}};
  }

  // -- Community topics (the group's owner and admins manage them; members list them)

  /**
   * A topic in a Community group I own or administer. Resolves `{code: 0, data:
   * {topicID}}` (`<groupID>@TOPIC#_…`). Rejects 10007 not owner/admin or not a
   * Community group, 10004 no name or a field too long, 10021 topicID taken.
   * @param {{groupID: string, topicName: string, topicID?: string, avatar?: string, introduction?: string, notification?: string, customData?: string}} options
   * @returns {Promise<ChatResponse<{topicID: string}>>}
   */
  async createTopicInCommunity(options) {
    const d = await this._groupRequest('createTopicInCommunity', options,
      ['topicName', 'topicID', 'avatar', 'introduction', 'notification', 'customData']);
    return {code: 0, data: {topicID: String(d.topicID || '')}};
  }

  /**
   * Delete topics (all of the group's when `topicIDList` is empty). Resolves
   * `{code: 0, data: {successTopicList, failureTopicList}}`. Rejects 10007.
   * @param {{groupID: string, topicIDList?: string[]}} options
   * @returns {Promise<ChatResponse<{successTopicList: Array<{topicID: string}>, failureTopicList: Array<{topicID: string, code: number, message: string}>}>>}
   */
  async deleteTopicFromCommunity(options) {
    const d = await this._groupRequest('deleteTopicFromCommunity', options, ['topicIDList']);
    return {code: 0, data: {successTopicList: d.successTopicList || [], failureTopicList: d.failureTopicList || []}};
  }

  /**
   * Change a topic (the group's owner or an admin). Resolves `{code: 0, data:
   * {topic}}`. Rejects 10007, 10010 no such topic.
   * @param {{groupID: string, topicID: string, topicName?: string, avatar?: string, introduction?: string, notification?: string, customData?: string, muteAllMembers?: boolean}} options
   * @returns {Promise<ChatResponse<{topic: Record<string, any>}>>}
   */
  async updateTopicProfile(options) {
    const d = await this._groupRequest('updateTopicProfile', options,
      ['topicID', 'topicName', 'avatar', 'introduction', 'notification', 'customData', 'muteAllMembers']);
    return {code: 0, data: {topic: d.topic || null}};
  }

  /**
   * The group's topics (members). Resolves `{code: 0, data: {successTopicList,
   * failureTopicList}}`. Rejects 10007 not a member.
   * @param {{groupID: string, topicIDList?: string[]}} options
   * @returns {Promise<ChatResponse<{successTopicList: Array<Record<string, any>>, failureTopicList: Array<{topicID: string, code: number, message: string}>}>>}
   */
  async getTopicList(options) {
    const d = await this._groupRequest('getTopicList', options, ['topicIDList']);
    return {code: 0, data: {successTopicList: d.successTopicList || [], failureTopicList: d.failureTopicList || []}};
  }
}
