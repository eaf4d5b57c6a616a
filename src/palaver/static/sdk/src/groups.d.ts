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
    protected _groupRequest(op: string, options: unknown, fields: string[], needsGroup?: boolean): Promise<Record<string, any>>;
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
    createGroup(options: CreateGroupOptions): Promise<ChatResponse<{
        group: Group;
    }>>;
    /**
     * The groups I am a member of, newest join first: `{code: 0, data:
     * {groupList: Group[]}}` (AVChatRooms joined on this connection are not
     * memberships and are not listed).
     * @returns {Promise<ChatResponse<{groupList: Group[]}>>}
     */
    getGroupList(): Promise<ChatResponse<{
        groupList: Group[];
    }>>;
    /**
     * One group's profile: `{code: 0, data: {group}}` (`selfInfo` set when I am
     * a member). Rejects 10010 no such group; 10007 a Private group I am not in.
     * @param {{groupID: string}} options
     * @returns {Promise<ChatResponse<{group: Group}>>}
     */
    getGroupProfile(options: {
        groupID: string;
    }): Promise<ChatResponse<{
        group: Group;
    }>>;
    /**
     * Change a group's profile (owner or admin); members get a group tip
     * (`GRP_TIP_GRP_PROFILE_UPDATED`). Resolves `{code: 0, data: {group}}`.
     * Rejects 10007 not owner/admin, 10004 a bad value, 10010 no such group.
     * @param {UpdateGroupOptions} options
     * @returns {Promise<ChatResponse<{group: Group}>>}
     */
    updateGroupProfile(options: UpdateGroupOptions): Promise<ChatResponse<{
        group: Group;
    }>>;
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
    joinGroup(options: {
        groupID: string;
        applyMessage?: string;
    }): Promise<ChatResponse<{
        status: JoinStatus;
        group?: Group;
    }>>;
    /**
     * Leave a group (`quitGroup('@TGS#…')`): its conversation goes, and
     * GROUP_LIST_UPDATED follows. Resolves `{code: 0, data: {groupID}}`.
     * Rejects 10009 I am the owner (dismiss it, or hand it over first); 10007
     * not a member; 10010 no such group.
     * @param {string} groupID
     * @returns {Promise<ChatResponse<{groupID: string}>>}
     */
    quitGroup(groupID: string): Promise<ChatResponse<{
        groupID: string;
    }>>;
    /**
     * Dismiss a group I own (`dismissGroup('@TGS#…')`): every member gets
     * GROUP_LIST_UPDATED and loses the conversation; the history is deleted.
     * Resolves `{code: 0, data: {groupID}}`. Rejects 10007 not the owner, 10010.
     * @param {string} groupID
     * @returns {Promise<ChatResponse<{groupID: string}>>}
     */
    dismissGroup(groupID: string): Promise<ChatResponse<{
        groupID: string;
    }>>;
    /**
     * A group's public profile by ID (`searchGroupByID('@TGS#…')`), to join it:
     * `{code: 0, data: {group}}`. Rejects 10010 no such group; 10007 a Private
     * group (found only by invitation).
     * @param {string} groupID
     * @returns {Promise<ChatResponse<{group: Group}>>}
     */
    searchGroupByID(groupID: string): Promise<ChatResponse<{
        group: Group;
    }>>;
    /**
     * Hand a group I own to a member (I become a Member). Resolves `{code: 0,
     * data: {group}}`. Rejects 10007 not the owner; 10004 the new owner is not a member.
     * @param {{groupID: string, newOwnerID: string}} options
     * @returns {Promise<ChatResponse<{group: Group}>>}
     */
    changeGroupOwner(options: {
        groupID: string;
        newOwnerID: string;
    }): Promise<ChatResponse<{
        group: Group;
    }>>;
    /**
     * Pending applications to groups I own or administer: `{code: 0, data:
     * {applicationList: [{groupID, groupName, applicant, applicantNick,
     * applyMessage, time}], unreadCount}}`.
     * @returns {Promise<ChatResponse<GroupApplicationList>>}
     */
    getGroupApplicationList(): Promise<ChatResponse<GroupApplicationList>>;
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
    handleGroupApplication(options: {
        handleAction: "Agree" | "Reject";
        handleMessage?: string;
        application?: {
            groupID: string;
            applicant: string;
        };
        groupID?: string;
        applicant?: string;
    }): Promise<ChatResponse<Record<string, never>>>;
    /**
     * A page of a group's members, owner first then by join time: `{code: 0,
     * data: {memberList: [{userID, nick, avatar, role, joinTime, nameCard,
     * muteUntil, memberCustomField}], offset}}` (`offset`: the next page's, 0
     * when done). `count` 1..100 (15), `role` a `TYPES.GRP_MBR_ROLE_*` filter.
     * Rejects 10007 not a member (Private), 10010.
     * @param {{groupID: string, count?: number, offset?: number, role?: GroupRole}} options
     * @returns {Promise<ChatResponse<{memberList: GroupMember[], offset: number}>>}
     */
    getGroupMemberList(options: {
        groupID: string;
        count?: number;
        offset?: number;
        role?: GroupRole;
    }): Promise<ChatResponse<{
        memberList: GroupMember[];
        offset: number;
    }>>;
    /**
     * Some members' profiles in a group (non-members left out): `{code: 0, data:
     * {memberList}}`. Up to 50 userIDs.
     * @param {{groupID: string, userIDList: string[]}} options
     * @returns {Promise<ChatResponse<{memberList: GroupMember[]}>>}
     */
    getGroupMemberProfile(options: {
        groupID: string;
        userIDList: string[];
    }): Promise<ChatResponse<{
        memberList: GroupMember[];
    }>>;
    /**
     * Add members (who may invite depends on the type: any member of a Work
     * group, the owner and admins otherwise). Resolves `{code: 0, data:
     * {successUserIDList, failureUserIDList, existedUserIDList, group}}`.
     * Rejects 10007 I may not invite, 10014 the group would be over its limit.
     * @param {{groupID: string, userIDList: string[]}} options
     * @returns {Promise<ChatResponse<{successUserIDList: string[], failureUserIDList: string[], existedUserIDList: string[], group: Group}>>}
     */
    addGroupMember(options: {
        groupID: string;
        userIDList: string[];
    }): Promise<ChatResponse<{
        successUserIDList: string[];
        failureUserIDList: string[];
        existedUserIDList: string[];
        group: Group;
    }>>;
    /**
     * Remove members (the owner removes anyone, admins remove members); they get
     * GROUP_LIST_UPDATED 'kicked'. Resolves `{code: 0, data: {group, userIDList}}`.
     * Rejects 10007 not allowed.
     * @param {{groupID: string, userIDList: string[], reason?: string}} options
     * @returns {Promise<ChatResponse<{group: Group, userIDList: string[]}>>}
     */
    deleteGroupMember(options: {
        groupID: string;
        userIDList: string[];
        reason?: string;
    }): Promise<ChatResponse<{
        group: Group;
        userIDList: string[];
    }>>;
    /**
     * Make a member an admin or a member again (owner only): `role`
     * `TYPES.GRP_MBR_ROLE_ADMIN` or `_MEMBER`. Resolves `{code: 0, data: {group,
     * member}}`. Rejects 10007 not the owner or not a member, 10004 bad role.
     * @param {{groupID: string, userID: string, role: 'Admin' | 'Member'}} options
     * @returns {Promise<ChatResponse<{group: Group, member: GroupMember}>>}
     */
    setGroupMemberRole(options: {
        groupID: string;
        userID: string;
        role: "Admin" | "Member";
    }): Promise<ChatResponse<{
        group: Group;
        member: GroupMember;
    }>>;
    /**
     * Mute a member for `muteTime` seconds from now (0 unmutes); owner or admin
     * over lower roles. Their sends fail with 10017 meanwhile. Resolves
     * `{code: 0, data: {group, member}}`. Rejects 10007 not allowed.
     * @param {{groupID: string, userID: string, muteTime: number}} options
     * @returns {Promise<ChatResponse<{group: Group, member: GroupMember}>>}
     */
    setGroupMemberMuteTime(options: {
        groupID: string;
        userID: string;
        muteTime: number;
    }): Promise<ChatResponse<{
        group: Group;
        member: GroupMember;
    }>>;
    /**
     * Set a member's name card in the group (mine, or anyone's as owner/admin).
     * Resolves `{code: 0, data: {group, member}}`. Rejects 10007, 10004 too long.
     * @param {{groupID: string, userID?: string, nameCard: string}} options
     * @returns {Promise<ChatResponse<{group: Group, member: GroupMember}>>}
     */
    setGroupMemberNameCard(options: {
        groupID: string;
        userID?: string;
        nameCard: string;
    }): Promise<ChatResponse<{
        group: Group;
        member: GroupMember;
    }>>;
    /**
     * Set a member's custom fields `[{key, value}]` (mine, or anyone's as
     * owner/admin). Resolves `{code: 0, data: {group, member}}`.
     * @param {{groupID: string, userID?: string, memberCustomField: Array<{key: string, value: string}>}} options
     * @returns {Promise<ChatResponse<{group: Group, member: GroupMember}>>}
     */
    setGroupMemberCustomField(options: {
        groupID: string;
        userID?: string;
        memberCustomField: Array<{
            key: string;
            value: string;
        }>;
    }): Promise<ChatResponse<{
        group: Group;
        member: GroupMember;
    }>>;
    /**
     * How many members are online now (`getGroupOnlineMemberCount('@TGS#…')`;
     * an AVChatRoom: users in the room): `{code: 0, data: {memberCount}}`.
     * @param {string} groupID
     * @returns {Promise<ChatResponse<{memberCount: number}>>}
     */
    getGroupOnlineMemberCount(groupID: string): Promise<ChatResponse<{
        memberCount: number;
    }>>;
    /**
     * Replace every attribute of the group with `groupAttributes` (`{key: value}`);
     * members get GROUP_ATTRIBUTES_UPDATED. Resolves `{code: 0, data: {groupAttributes}}`.
     * Rejects 10007 not a member, 10004 past the limits (16 keys of at most 32
     * bytes, values of at most 4000 bytes, 16,000 bytes in all).
     * @param {{groupID: string, groupAttributes: Record<string, string>}} options
     * @returns {Promise<ChatResponse<{groupAttributes: Record<string, string>}>>}
     */
    initGroupAttributes(options: {
        groupID: string;
        groupAttributes: Record<string, string>;
    }): Promise<ChatResponse<{
        groupAttributes: Record<string, string>;
    }>>;
    /**
     * Add or change attributes. Resolves `{code: 0, data: {groupAttributes}}`
     * (those set). Rejects as `initGroupAttributes`.
     * @param {{groupID: string, groupAttributes: Record<string, string>}} options
     * @returns {Promise<ChatResponse<{groupAttributes: Record<string, string>}>>}
     */
    setGroupAttributes(options: {
        groupID: string;
        groupAttributes: Record<string, string>;
    }): Promise<ChatResponse<{
        groupAttributes: Record<string, string>;
    }>>;
    /**
     * Delete attributes (every one when `keyList` is empty). Resolves `{code: 0,
     * data: {keyList}}` (the keys that were there). Rejects 10007 not a member.
     * @param {{groupID: string, keyList?: string[]}} options
     * @returns {Promise<ChatResponse<{keyList: string[]}>>}
     */
    deleteGroupAttributes(options: {
        groupID: string;
        keyList?: string[];
    }): Promise<ChatResponse<{
        keyList: string[];
    }>>;
    /**
     * The group's attributes (all, or `keyList`): `{code: 0, data: {groupAttributes}}`.
     * Rejects 10007 not a member.
     * @param {{groupID: string, keyList?: string[]}} options
     * @returns {Promise<ChatResponse<{groupAttributes: Record<string, string>}>>}
     */
    getGroupAttributes(options: {
        groupID: string;
        keyList?: string[];
    }): Promise<ChatResponse<{
        groupAttributes: Record<string, string>;
    }>>;
    /**
     * Set counters (`{key: integer}`); members get GROUP_COUNTER_UPDATED per key.
     * Resolves `{code: 0, data: {counters}}`. Rejects 10007 not a member, 10004
     * more than 20 counters or a key over 128 bytes.
     * @param {{groupID: string, counters: Record<string, number>}} options
     * @returns {Promise<ChatResponse<{counters: Record<string, number>}>>}
     */
    setGroupCounters(options: {
        groupID: string;
        counters: Record<string, number>;
    }): Promise<ChatResponse<{
        counters: Record<string, number>;
    }>>;
    /**
     * Add `value` (at least 0) to a counter (a missing one starts at 0).
     * Resolves `{code: 0, data: {counters: {[key]: newValue}}}`.
     * @param {{groupID: string, key: string, value: number}} options
     * @returns {Promise<ChatResponse<{counters: Record<string, number>}>>}
     */
    increaseGroupCounter(options: {
        groupID: string;
        key: string;
        value: number;
    }): Promise<ChatResponse<{
        counters: Record<string, number>;
    }>>;
    /**
     * Take `value` (at least 0) from a counter.
     * Resolves `{code: 0, data: {counters: {[key]: newValue}}}`.
     * @param {{groupID: string, key: string, value: number}} options
     * @returns {Promise<ChatResponse<{counters: Record<string, number>}>>}
     */
    decreaseGroupCounter(options: {
        groupID: string;
        key: string;
        value: number;
    }): Promise<ChatResponse<{
        counters: Record<string, number>;
    }>>;
    /**
     * The group's counters (all, or `keyList`): `{code: 0, data: {counters}}`.
     * Rejects 10007 not a member.
     * @param {{groupID: string, keyList?: string[]}} options
     * @returns {Promise<ChatResponse<{counters: Record<string, number>}>>}
     */
    getGroupCounters(options: {
        groupID: string;
        keyList?: string[];
    }): Promise<ChatResponse<{
        counters: Record<string, number>;
    }>>;
    /**
     * A topic in a Community group I own or administer. Resolves `{code: 0, data:
     * {topicID}}` (`<groupID>@TOPIC#_…`). Rejects 10007 not owner/admin or not a
     * Community group, 10004 no name or a field too long, 10021 topicID taken.
     * @param {{groupID: string, topicName: string, topicID?: string, avatar?: string, introduction?: string, notification?: string, customData?: string}} options
     * @returns {Promise<ChatResponse<{topicID: string}>>}
     */
    createTopicInCommunity(options: {
        groupID: string;
        topicName: string;
        topicID?: string;
        avatar?: string;
        introduction?: string;
        notification?: string;
        customData?: string;
    }): Promise<ChatResponse<{
        topicID: string;
    }>>;
    /**
     * Delete topics (all of the group's when `topicIDList` is empty). Resolves
     * `{code: 0, data: {successTopicList, failureTopicList}}`. Rejects 10007.
     * @param {{groupID: string, topicIDList?: string[]}} options
     * @returns {Promise<ChatResponse<{successTopicList: Array<{topicID: string}>, failureTopicList: Array<{topicID: string, code: number, message: string}>}>>}
     */
    deleteTopicFromCommunity(options: {
        groupID: string;
        topicIDList?: string[];
    }): Promise<ChatResponse<{
        successTopicList: Array<{
            topicID: string;
        }>;
        failureTopicList: Array<{
            topicID: string;
            code: number;
            message: string;
        }>;
    }>>;
    /**
     * Change a topic (the group's owner or an admin). Resolves `{code: 0, data:
     * {topic}}`. Rejects 10007, 10010 no such topic.
     * @param {{groupID: string, topicID: string, topicName?: string, avatar?: string, introduction?: string, notification?: string, customData?: string, muteAllMembers?: boolean}} options
     * @returns {Promise<ChatResponse<{topic: Record<string, any>}>>}
     */
    updateTopicProfile(options: {
        groupID: string;
        topicID: string;
        topicName?: string;
        avatar?: string;
        introduction?: string;
        notification?: string;
        customData?: string;
        muteAllMembers?: boolean;
    }): Promise<ChatResponse<{
        topic: Record<string, any>;
    }>>;
    /**
     * The group's topics (members). Resolves `{code: 0, data: {successTopicList,
     * failureTopicList}}`. Rejects 10007 not a member.
     * @param {{groupID: string, topicIDList?: string[]}} options
     * @returns {Promise<ChatResponse<{successTopicList: Array<Record<string, any>>, failureTopicList: Array<{topicID: string, code: number, message: string}>}>>}
     */
    getTopicList(options: {
        groupID: string;
        topicIDList?: string[];
    }): Promise<ChatResponse<{
        successTopicList: Array<Record<string, any>>;
        failureTopicList: Array<{
            topicID: string;
            code: number;
            message: string;
        }>;
    }>>;
}
export type ChatResponse<T> = import("./types.js").ChatResponse<T>;
export type Group = import("./types.js").Group;
export type GroupMember = import("./types.js").GroupMember;
export type GroupRole = import("./types.js").GroupRole;
export type JoinStatus = import("./types.js").JoinStatus;
export type GroupApplicationList = import("./types.js").GroupApplicationList;
export type CreateGroupOptions = import("./types.js").CreateGroupOptions;
export type UpdateGroupOptions = import("./types.js").UpdateGroupOptions;
import { RelationAPI } from './relations.js';
