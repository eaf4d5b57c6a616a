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
    getMyProfile(): Promise<ChatResponse<Profile>>;
    /**
     * Profiles of users: `{code: 0, data: Profile[]}` (request order; unknown
     * accounts left out). Rejects 6017 for an empty list or more than 100.
     * @param {{userIDList: string[]}} options
     * @returns {Promise<ChatResponse<Profile[]>>}
     */
    getUserProfile(options: {
        userIDList: string[];
    }): Promise<ChatResponse<Profile[]>>;
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
    updateMyProfile(options: ProfileUpdate): Promise<ChatResponse<Profile>>;
    /**
     * My friends, oldest first: `{code: 0, data: Friend[]}` (`{userID, remark,
     * groupList, addTime, source, wording, friendCustomField, profile}`).
     * @returns {Promise<ChatResponse<Friend[]>>}
     */
    getFriendList(): Promise<ChatResponse<Friend[]>>;
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
    addFriend(options: {
        to: string;
        source: string;
        wording?: string;
        type?: "Add_Type_Both" | "Add_Type_Single";
        remark?: string;
        groupName?: string;
    }): Promise<ChatResponse<{
        userID: string;
        code: number;
    }>>;
    /**
     * Delete friends (both ways by default). Resolves `{code: 0, data:
     * {successUserIDList: [{userID}], failureUserIDList: [{userID, code, message}]}}`.
     * @param {{userIDList: string[], type?: 'Delete_Type_Both' | 'Delete_Type_Single'}} options
     * @returns {Promise<ChatResponse<UserIDResult>>}
     */
    deleteFriend(options: {
        userIDList: string[];
        type?: "Delete_Type_Both" | "Delete_Type_Single";
    }): Promise<ChatResponse<UserIDResult>>;
    /**
     * Relations with users. Resolves `{code: 0, data: {successUserIDList:
     * [{userID, code: 0, relation: TYPES.SNS_TYPE_*}], failureUserIDList}}`.
     * @param {{userIDList: string[], type?: 'CheckResult_Type_Both' | 'CheckResult_Type_Single'}} options
     * @returns {Promise<ChatResponse<CheckFriendResult>>}
     */
    checkFriend(options: {
        userIDList: string[];
        type?: "CheckResult_Type_Both" | "CheckResult_Type_Single";
    }): Promise<ChatResponse<CheckFriendResult>>;
    /**
     * Pending friend requests to and from me, newest first: `{code: 0, data:
     * {friendApplicationList: [{userID, type (TYPES.SNS_APPLICATION_SENT_TO_ME /
     * _SENT_BY_ME), wording, source, time, nick, avatar}], unreadCount}}`.
     * @returns {Promise<ChatResponse<FriendApplicationList>>}
     */
    getFriendApplicationList(): Promise<ChatResponse<FriendApplicationList>>;
    /**
     * Mark the requests sent to me as read: `unreadCount` drops to 0 on every
     * device of mine (they get FRIEND_APPLICATION_LIST_UPDATED).
     * @returns {Promise<ChatResponse<Record<string, never>>>}
     */
    setFriendApplicationRead(): Promise<ChatResponse<Record<string, never>>>;
    /**
     * Accept the request `userID` sent me: `type` AgreeAndAdd (default: friends
     * both ways) or Agree (they add me only). Rejects 30614 no such request.
     * @param {{userID: string, type?: 'Response_Action_AgreeAndAdd' | 'Response_Action_Agree', remark?: string}} options
     * @returns {Promise<ChatResponse<Record<string, never>>>}
     */
    acceptFriendApplication(options: {
        userID: string;
        type?: "Response_Action_AgreeAndAdd" | "Response_Action_Agree";
        remark?: string;
    }): Promise<ChatResponse<Record<string, never>>>;
    /**
     * Refuse the request `userID` sent me. Rejects 30614 no such request.
     * @param {{userID: string}} options
     * @returns {Promise<ChatResponse<Record<string, never>>>}
     */
    refuseFriendApplication(options: {
        userID: string;
    }): Promise<ChatResponse<Record<string, never>>>;
    /**
     * The userIDs I blacklisted, oldest first: `{code: 0, data: userID[]}`.
     * @returns {Promise<ChatResponse<string[]>>}
     */
    getBlacklist(): Promise<ChatResponse<string[]>>;
    /**
     * Blacklist users (their messages to me fail with 20007; friendships and
     * requests with them are removed). Resolves `{code: 0, data: userID[]}` (the
     * ones added, as Tencent's); rejects with the first failure's code (30003
     * unknown account, 30001 myself or already blacklisted, 30013 full) when
     * none was added.
     * @param {{userIDList: string[]}} options
     * @returns {Promise<ChatResponse<string[]>>}
     */
    addToBlacklist(options: {
        userIDList: string[];
    }): Promise<ChatResponse<string[]>>;
    /**
     * Take users off my blacklist (friendships are not restored). Resolves
     * `{code: 0, data: userID[]}` (the ones removed); rejects with the first
     * failure's code (30001 not on it, 30003 unknown account) when none was.
     * @param {{userIDList: string[]}} options
     * @returns {Promise<ChatResponse<string[]>>}
     */
    removeFromBlacklist(options: {
        userIDList: string[];
    }): Promise<ChatResponse<string[]>>;
    /**
     * @private
     * @param {string} op
     * @param {unknown} options `{userIDList}`
     * @returns {Promise<ChatResponse<string[]>>}
     */
    private _blacklistChange;
    /**
     * Change a friend's remark and custom fields (`Tag_SNS_Custom_*` keys, the
     * prefix may be left out); resolves `{code: 0, data: {userID, remark,
     * groupList, friendCustomField}}`. My devices get FRIEND_LIST_UPDATED.
     * Rejects 30001 not a friend or a bad value, 30003 no such account, 6017
     * nothing to change.
     * @param {{userID: string, remark?: string, friendCustomField?: Array<{key: string, value: string|number}>}} options
     * @returns {Promise<ChatResponse<Record<string, any>>>}
     */
    updateFriend(options: {
        userID: string;
        remark?: string;
        friendCustomField?: Array<{
            key: string;
            value: string | number;
        }>;
    }): Promise<ChatResponse<Record<string, any>>>;
    /**
     * My friend groups, oldest first: `{code: 0, data: FriendGroup[]}`.
     * @returns {Promise<ChatResponse<FriendGroup[]>>}
     */
    getFriendGroupList(): Promise<ChatResponse<FriendGroup[]>>;
    /**
     * Create a friend group, with some friends in it: `{code: 0, data:
     * {friendGroup, failureUserIDList}}`. I get FRIEND_GROUP_LIST_UPDATED.
     * Rejects 30001 for a bad or existing name or a 33rd group.
     * @param {{name: string, userIDList?: string[]}} options
     * @returns {Promise<ChatResponse<FriendGroupResult>>}
     */
    createFriendGroup(options: {
        name: string;
        userIDList?: string[];
    }): Promise<ChatResponse<FriendGroupResult>>;
    /**
     * Delete a friend group (its friends stay friends): `{code: 0, data:
     * FriendGroup}` (as it was). Rejects 30001 if it is not one of mine.
     * @param {{name: string}} options
     * @returns {Promise<ChatResponse<FriendGroup>>}
     */
    deleteFriendGroup(options: {
        name: string;
    }): Promise<ChatResponse<FriendGroup>>;
    /**
     * Rename a friend group: `{code: 0, data: FriendGroup}`. Rejects 30001 if
     * `oldName` is not mine or `newName` is bad or taken.
     * @param {{oldName: string, newName: string}} options
     * @returns {Promise<ChatResponse<FriendGroup>>}
     */
    renameFriendGroup(options: {
        oldName: string;
        newName: string;
    }): Promise<ChatResponse<FriendGroup>>;
    /**
     * Put friends in a group: `{code: 0, data: {friendGroup,
     * failureUserIDList}}` (32216 not a friend, 30003 no such account).
     * @param {{name: string, userIDList: string[]}} options
     * @returns {Promise<ChatResponse<FriendGroupResult>>}
     */
    addToFriendGroup(options: {
        name: string;
        userIDList: string[];
    }): Promise<ChatResponse<FriendGroupResult>>;
    /**
     * Take friends out of a group: `{code: 0, data: {friendGroup, failureUserIDList}}`.
     * @param {{name: string, userIDList: string[]}} options
     * @returns {Promise<ChatResponse<FriendGroupResult>>}
     */
    removeFromFriendGroup(options: {
        name: string;
        userIDList: string[];
    }): Promise<ChatResponse<FriendGroupResult>>;
    /**
     * @private
     * @param {string} op
     * @param {unknown} options `{name, userIDList}`
     * @returns {Promise<ChatResponse<FriendGroupResult>>}
     */
    private _friendGroupMembers;
    /**
     * Users' status: `{code: 0, data: {successUserList: [{userID, statusType,
     * customStatus}], failureUserList: [{userID, code, message}]}}`
     * (`statusType` `TYPES.USER_STATUS_ONLINE` 1 / `_OFFLINE` 2; 70107 not an account).
     * @param {{userIDList: string[]}} options
     * @returns {Promise<ChatResponse<Record<string, any>>>}
     */
    getUserStatus(options: {
        userIDList: string[];
    }): Promise<ChatResponse<Record<string, any>>>;
    /**
     * Set my custom status (≤ 100 bytes; '' clears it): `{code: 0, data:
     * {userID, statusType, customStatus}}`. My subscribers and devices get
     * USER_STATUS_UPDATED.
     * @param {{customStatus: string}} options
     * @returns {Promise<ChatResponse<Record<string, any>>>}
     */
    setSelfStatus(options: {
        customStatus: string;
    }): Promise<ChatResponse<Record<string, any>>>;
    /**
     * Follow users' status (USER_STATUS_UPDATED `[{userID, statusType,
     * customStatus}]` when it changes): `{code: 0, data: {failureUserList}}`.
     * @param {{userIDList: string[]}} options
     * @returns {Promise<ChatResponse<Record<string, any>>>}
     */
    subscribeUserStatus(options: {
        userIDList: string[];
    }): Promise<ChatResponse<Record<string, any>>>;
    /**
     * Stop following users' status (everyone's without `userIDList`):
     * `{code: 0, data: {failureUserList}}`.
     * @param {{userIDList?: string[]}} [options]
     * @returns {Promise<ChatResponse<Record<string, any>>>}
     */
    unsubscribeUserStatus(options?: {
        userIDList?: string[];
    }): Promise<ChatResponse<Record<string, any>>>;
}
export type ChatResponse<T> = import("./types.js").ChatResponse<T>;
export type Profile = import("./types.js").Profile;
export type ProfileUpdate = import("./types.js").ProfileUpdate;
export type Friend = import("./types.js").Friend;
export type FriendApplicationList = import("./types.js").FriendApplicationList;
export type UserIDResult = import("./types.js").UserIDResult;
export type CheckFriendResult = import("./types.js").CheckFriendResult;
/**
 * A friend group: its name, its friends and how many.
 */
export type FriendGroup = {
    name: string;
    userIDList: string[];
    count: number;
};
/**
 * A friend-group change: the group afterwards and the friends it failed for.
 */
export type FriendGroupResult = {
    friendGroup: FriendGroup;
    failureUserIDList: Array<{
        userID: string;
        code: number;
        message: string;
    }>;
};
import { ConversationAPI } from './conversations.js';
