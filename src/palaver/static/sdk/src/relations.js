/**
 * Profiles and the relationship chain: my profile and others', friends,
 * friend applications and the blacklist (Tencent's profile and friendship
 * calls). The pushes that say one of these lists changed are answered by the
 * pump (pump.js), which refetches the list and emits it.
 *
 * @module palaver-chat/relations
 */

import {TYPES} from './constants.js';
import {ConversationAPI} from './conversations.js';
import {ChatError, invalid} from './errors.js';
import {isObject} from './util.js';

/**
 * @template T
 * @typedef {import('./types.js').ChatResponse<T>} ChatResponse
 */
/** @typedef {import('./types.js').Profile} Profile */
/** @typedef {import('./types.js').ProfileUpdate} ProfileUpdate */
/** @typedef {import('./types.js').Friend} Friend */
/** @typedef {import('./types.js').FriendApplicationList} FriendApplicationList */
/** @typedef {import('./types.js').UserIDResult} UserIDResult */
/** @typedef {import('./types.js').CheckFriendResult} CheckFriendResult */
/**
 * A friend group: its name, its friends and how many.
 * @typedef {{name: string, userIDList: string[], count: number}} FriendGroup
 */
/**
 * A friend-group change: the group afterwards and the friends it failed for.
 * @typedef {{friendGroup: FriendGroup, failureUserIDList: Array<{userID: string, code: number, message: string}>}} FriendGroupResult
 */

/** Profile, friend and blacklist calls of a `PalaverChat`. */
export class RelationAPI extends ConversationAPI {
  /**
   * My profile: `{code: 0, data: Profile}` (`{userID, nick, avatar, gender,
   * selfSignature, allowType, birthday, location, language, messageSettings,
   * adminForbidType, level, role, profileCustomField: [{key, value}]}`).
   * @returns {Promise<ChatResponse<Profile>>}
   */
  async getMyProfile() {
    const d = await this._request('getMyProfile');
    return {code: 0, data: d.profile || d};
  }

  /**
   * Profiles of users: `{code: 0, data: Profile[]}` (request order; unknown
   * accounts left out). Rejects 6017 for an empty list or more than 100.
   * @param {{userIDList: string[]}} options
   * @returns {Promise<ChatResponse<Profile[]>>}
   */
  async getUserProfile(options) {
    const list = isObject(options) ? options.userIDList : null;
    if (!Array.isArray(list)) throw invalid('getUserProfile expects {userIDList}');
    const d = await this._request('getUserProfile', {userIDList: list});
    return {code: 0, data: d.profileList || []};
  }

  /**
   * Change my profile; resolves `{code: 0, data: Profile}` (the whole new
   * one). Fields: nick, avatar, gender (`TYPES.GENDER_*`), selfSignature,
   * allowType (`TYPES.ALLOW_TYPE_*`), birthday, location, language,
   * messageSettings, level, role, profileCustomField `[{key, value}]`. I and
   * my friends get PROFILE_UPDATED.
   *
   * Rejects: 40610 a value of the wrong type, 40605 a value not allowed, 40601
   * a string over 500 bytes, 40009 a bad custom key, 6017 no or unknown field.
   * @param {ProfileUpdate} options
   * @returns {Promise<ChatResponse<Profile>>}
   */
  async updateMyProfile(options) {
    if (!isObject(options)) throw invalid('updateMyProfile expects an object');
    const d = await this._request('updateMyProfile', options);
    return {code: 0, data: d.profile || d};
  }

  // ------------------------------------------------------------ relationships

  /**
   * My friends, oldest first: `{code: 0, data: Friend[]}` (`{userID, remark,
   * groupList, addTime, source, wording, friendCustomField, profile}`).
   * @returns {Promise<ChatResponse<Friend[]>>}
   */
  async getFriendList() {
    const d = await this._request('getFriendList');
    return {code: 0, data: d.friendList || []};
  }

  /**
   * Add a friend, or ask to. Resolves `{code: 0, data: {userID, code}}`:
   * `data.code` 0 added, 30539 a request is pending (the user's allowType is
   * NeedConfirm), as Tencent's does.
   *
   * Rejects: 30001 myself / already friends / bad source / remark over 96
   * bytes / wording over 256; 30003 unknown account; 30515 the user is on my
   * blacklist; 30525 I am on theirs; 30516 the user accepts no requests;
   * 30010/30014 a friend list is full; 6017 bad arguments.
   *
   * @param {{to: string, source: string, wording?: string, type?: 'Add_Type_Both' | 'Add_Type_Single', remark?: string, groupName?: string}} options
   * @returns {Promise<ChatResponse<{userID: string, code: number}>>}
   */
  async addFriend(options) {
    if (!isObject(options) || typeof options.to !== 'string' || typeof options.source !== 'string') {
      throw invalid("addFriend expects {to, source: 'AddSource_Type_...'}");
    }
    const req = {to: options.to, source: options.source, type: options.type || TYPES.SNS_ADD_TYPE_BOTH};
    for (const k of ['wording', 'remark', 'groupName']) if (options[k] !== undefined) req[k] = options[k];
    const d = await this._request('addFriend', req);
    return {code: 0, data: {userID: d.userID ?? options.to, code: Number(d.code) || 0}};
  }

  /**
   * Delete friends (both ways by default). Resolves `{code: 0, data:
   * {successUserIDList: [{userID}], failureUserIDList: [{userID, code, message}]}}`.
   * @param {{userIDList: string[], type?: 'Delete_Type_Both' | 'Delete_Type_Single'}} options
   * @returns {Promise<ChatResponse<UserIDResult>>}
   */
  async deleteFriend(options) {
    const list = isObject(options) ? options.userIDList : null;
    if (!Array.isArray(list)) throw invalid('deleteFriend expects {userIDList}');
    const d = await this._request('deleteFriend', {userIDList: list, type: options.type || TYPES.SNS_DELETE_TYPE_BOTH});
    return {code: 0, data: {successUserIDList: d.successUserIDList || [], failureUserIDList: d.failureUserIDList || []}};
  }

  /**
   * Relations with users. Resolves `{code: 0, data: {successUserIDList:
   * [{userID, code: 0, relation: TYPES.SNS_TYPE_*}], failureUserIDList}}`.
   * @param {{userIDList: string[], type?: 'CheckResult_Type_Both' | 'CheckResult_Type_Single'}} options
   * @returns {Promise<ChatResponse<CheckFriendResult>>}
   */
  async checkFriend(options) {
    const list = isObject(options) ? options.userIDList : null;
    if (!Array.isArray(list)) throw invalid('checkFriend expects {userIDList}');
    const d = await this._request('checkFriend', {userIDList: list, type: options.type || TYPES.SNS_CHECK_TYPE_BOTH});
    return {code: 0, data: {successUserIDList: d.successUserIDList || [], failureUserIDList: d.failureUserIDList || []}};
  }

  /**
   * Pending friend requests to and from me, newest first: `{code: 0, data:
   * {friendApplicationList: [{userID, type (TYPES.SNS_APPLICATION_SENT_TO_ME /
   * _SENT_BY_ME), wording, source, time, nick, avatar}], unreadCount}}`.
   * @returns {Promise<ChatResponse<FriendApplicationList>>}
   */
  async getFriendApplicationList() {
    const d = await this._request('getFriendApplicationList');
    return {
      code: 0,
      data: {friendApplicationList: d.friendApplicationList || [], unreadCount: Number(d.unreadCount) || 0},
    };
  }

  /**
   * Mark the requests sent to me as read: `unreadCount` drops to 0 on every
   * device of mine (they get FRIEND_APPLICATION_LIST_UPDATED).
   * @returns {Promise<ChatResponse<Record<string, never>>>}
   */
  async setFriendApplicationRead() {
    await this._request('setFriendApplicationRead');
    return {code: 0, data: {}};
  }

  /**
   * Accept the request `userID` sent me: `type` AgreeAndAdd (default: friends
   * both ways) or Agree (they add me only). Rejects 30614 no such request.
   * @param {{userID: string, type?: 'Response_Action_AgreeAndAdd' | 'Response_Action_Agree', remark?: string}} options
   * @returns {Promise<ChatResponse<Record<string, never>>>}
   */
  async acceptFriendApplication(options) {
    if (!isObject(options) || typeof options.userID !== 'string') {
      throw invalid('acceptFriendApplication expects {userID}');
    }
    const req = {userID: options.userID, type: options.type || TYPES.SNS_APPLICATION_AGREE_AND_ADD};
    if (options.remark !== undefined) req.remark = options.remark;
    await this._request('acceptFriendApplication', req);
    return {code: 0, data: {}};
  }

  /**
   * Refuse the request `userID` sent me. Rejects 30614 no such request.
   * @param {{userID: string}} options
   * @returns {Promise<ChatResponse<Record<string, never>>>}
   */
  async refuseFriendApplication(options) {
    if (!isObject(options) || typeof options.userID !== 'string') {
      throw invalid('refuseFriendApplication expects {userID}');
    }
    await this._request('refuseFriendApplication', {userID: options.userID});
    return {code: 0, data: {}};
  }

  /**
   * The userIDs I blacklisted, oldest first: `{code: 0, data: userID[]}`.
   * @returns {Promise<ChatResponse<string[]>>}
   */
  async getBlacklist() {
    const d = await this._request('getBlacklist');
    return {code: 0, data: d.userIDList || []};
  }

  /**
   * Blacklist users (their messages to me fail with 20007; friendships and
   * requests with them are removed). Resolves `{code: 0, data: userID[]}` (the
   * ones added, as Tencent's); rejects with the first failure's code (30003
   * unknown account, 30001 myself or already blacklisted, 30013 full) when
   * none was added.
   * @param {{userIDList: string[]}} options
   * @returns {Promise<ChatResponse<string[]>>}
   */
  async addToBlacklist(options) {
    return this._blacklistChange('addToBlacklist', options);
  }

  /**
   * Take users off my blacklist (friendships are not restored). Resolves
   * `{code: 0, data: userID[]}` (the ones removed); rejects with the first
   * failure's code (30001 not on it, 30003 unknown account) when none was.
   * @param {{userIDList: string[]}} options
   * @returns {Promise<ChatResponse<string[]>>}
   */
  async removeFromBlacklist(options) {
    return this._blacklistChange('removeFromBlacklist', options);
  }

  /**
   * @private
   * @param {string} op
   * @param {unknown} options `{userIDList}`
   * @returns {Promise<ChatResponse<string[]>>}
   */
  async _blacklistChange(op, options) {
    const list = isObject(options) ? options.userIDList : null;
    if (!Array.isArray(list)) throw invalid(`${op} expects {userIDList}`);
    const d = await this._request(op, {userIDList: list});
    const ok = d.successUserIDList || [];
    const failed = d.failureUserIDList || [];
    if (!ok.length && failed.length) throw new ChatError(Number(failed[0].code), String(failed[0].message || ''));
    return {code: 0, data: ok};
  }

  /**
   * Change a friend's remark and custom fields (`Tag_SNS_Custom_*` keys, the
   * prefix may be left out); resolves `{code: 0, data: {userID, remark,
   * groupList, friendCustomField}}`. My devices get FRIEND_LIST_UPDATED.
   * Rejects 30001 not a friend or a bad value, 30003 no such account, 6017
   * nothing to change.
   * @param {{userID: string, remark?: string, friendCustomField?: Array<{key: string, value: string|number}>}} options
   * @returns {Promise<ChatResponse<Record<string, any>>>}
   */
  async updateFriend(options) {
    if (!isObject(options) || typeof options.userID !== 'string') throw invalid('updateFriend expects {userID}');
    /** @type {Record<string, unknown>} */
    const data = {userID: options.userID};
    if (options.remark !== undefined) data.remark = options.remark;
    if (options.friendCustomField !== undefined) data.friendCustomField = options.friendCustomField;
    return {code: 0, data: await this._request('updateFriend', data)};
  }

  /**
   * My friend groups, oldest first: `{code: 0, data: FriendGroup[]}`.
   * @returns {Promise<ChatResponse<FriendGroup[]>>}
   */
  async getFriendGroupList() {
    const d = await this._request('getFriendGroupList');
    return {code: 0, data: d.friendGroupList || []};
  }

  /**
   * Create a friend group, with some friends in it: `{code: 0, data:
   * {friendGroup, failureUserIDList}}`. I get FRIEND_GROUP_LIST_UPDATED.
   * Rejects 30001 for a bad or existing name or a 33rd group.
   * @param {{name: string, userIDList?: string[]}} options
   * @returns {Promise<ChatResponse<FriendGroupResult>>}
   */
  async createFriendGroup(options) {
    if (!isObject(options) || typeof options.name !== 'string') throw invalid('createFriendGroup expects {name}');
    const d = await this._request('createFriendGroup', {name: options.name, userIDList: options.userIDList || []});
    return {code: 0, data: /** @type {FriendGroupResult} */ (d)};
  }

  /**
   * Delete a friend group (its friends stay friends): `{code: 0, data:
   * FriendGroup}` (as it was). Rejects 30001 if it is not one of mine.
   * @param {{name: string}} options
   * @returns {Promise<ChatResponse<FriendGroup>>}
   */
  async deleteFriendGroup(options) {
    if (!isObject(options) || typeof options.name !== 'string') throw invalid('deleteFriendGroup expects {name}');
    const d = await this._request('deleteFriendGroup', {name: options.name});
    return {code: 0, data: d.friendGroup};
  }

  /**
   * Rename a friend group: `{code: 0, data: FriendGroup}`. Rejects 30001 if
   * `oldName` is not mine or `newName` is bad or taken.
   * @param {{oldName: string, newName: string}} options
   * @returns {Promise<ChatResponse<FriendGroup>>}
   */
  async renameFriendGroup(options) {
    if (!isObject(options) || typeof options.oldName !== 'string' || typeof options.newName !== 'string') {
      throw invalid('renameFriendGroup expects {oldName, newName}');
    }
    const d = await this._request('renameFriendGroup', {oldName: options.oldName, newName: options.newName});
    return {code: 0, data: d.friendGroup};
  }

  /**
   * Put friends in a group: `{code: 0, data: {friendGroup,
   * failureUserIDList}}` (32216 not a friend, 30003 no such account).
   * @param {{name: string, userIDList: string[]}} options
   * @returns {Promise<ChatResponse<FriendGroupResult>>}
   */
  async addToFriendGroup(options) {
    return this._friendGroupMembers('addToFriendGroup', options);
  }

  /**
   * Take friends out of a group: `{code: 0, data: {friendGroup, failureUserIDList}}`.
   * @param {{name: string, userIDList: string[]}} options
   * @returns {Promise<ChatResponse<FriendGroupResult>>}
   */
  async removeFromFriendGroup(options) {
    return this._friendGroupMembers('removeFromFriendGroup', options);
  }

  /**
   * @private
   * @param {string} op
   * @param {unknown} options `{name, userIDList}`
   * @returns {Promise<ChatResponse<FriendGroupResult>>}
   */
  async _friendGroupMembers(op, options) {
    if (!isObject(options) || typeof options.name !== 'string' || !Array.isArray(options.userIDList)) {
      throw invalid(`${op} expects {name, userIDList}`);
    }
    const d = await this._request(op, {name: options.name, userIDList: options.userIDList});
    return {code: 0, data: /** @type {FriendGroupResult} */ (d)};
  }

  /**
   * Users' status: `{code: 0, data: {successUserList: [{userID, statusType,
   * customStatus}], failureUserList: [{userID, code, message}]}}`
   * (`statusType` `TYPES.USER_STATUS_ONLINE` 1 / `_OFFLINE` 2; 70107 not an account).
   * @param {{userIDList: string[]}} options
   * @returns {Promise<ChatResponse<Record<string, any>>>}
   */
  async getUserStatus(options) {
    const list = isObject(options) ? options.userIDList : null;
    if (!Array.isArray(list)) throw invalid('getUserStatus expects {userIDList}');
    return {code: 0, data: await this._request('getUserStatus', {userIDList: list})};
  }

  /**
   * Set my custom status (≤ 100 bytes; '' clears it): `{code: 0, data:
   * {userID, statusType, customStatus}}`. My subscribers and devices get
   * USER_STATUS_UPDATED.
   * @param {{customStatus: string}} options
   * @returns {Promise<ChatResponse<Record<string, any>>>}
   */
  async setSelfStatus(options) {
    if (!isObject(options) || typeof options.customStatus !== 'string') {
      throw invalid('setSelfStatus expects {customStatus}');
    }
    return {code: 0, data: await this._request('setSelfStatus', {customStatus: options.customStatus})};
  }

  /**
   * Follow users' status (USER_STATUS_UPDATED `[{userID, statusType,
   * customStatus}]` when it changes): `{code: 0, data: {failureUserList}}`.
   * @param {{userIDList: string[]}} options
   * @returns {Promise<ChatResponse<Record<string, any>>>}
   */
  async subscribeUserStatus(options) {
    const list = isObject(options) ? options.userIDList : null;
    if (!Array.isArray(list)) throw invalid('subscribeUserStatus expects {userIDList}');
    return {code: 0, data: await this._request('subscribeUserStatus', {userIDList: list})};
  }

  /**
   * Stop following users' status (everyone's without `userIDList`):
   * `{code: 0, data: {failureUserList}}`.
   * @param {{userIDList?: string[]}} [options]
   * @returns {Promise<ChatResponse<Record<string, any>>>}
   */
  async unsubscribeUserStatus(options) {
    const list = isObject(options) && Array.isArray(options.userIDList) ? options.userIDList : [];
    return {code: 0, data: await this._request('unsubscribeUserStatus', {userIDList: list})};
  }
}
