/**
 * Cloud search: messages, users, groups and group members (Tencent's
 * `searchCloudMessages`, `searchCloudUsers`, `searchCloudGroups`,
 * `searchCloudGroupMembers`; docs/search.md). Keywords match Chinese, English,
 * digits and emoji without spaces between them; width and case are folded.
 * Every call rejects 27003 on bad keywords (1..5, not only punctuation), a
 * `count` outside 1..100 or a bad cursor.
 *
 * @module palaver-chat/search
 */

import {invalid} from './errors.js';
import {GroupAPI} from './groups.js';
import {isObject} from './util.js';

/**
 * @template T
 * @typedef {import('./types.js').ChatResponse<T>} ChatResponse
 */
/** @typedef {import('./message.js').Message} Message */
/** @typedef {import('./types.js').Profile} Profile */
/** @typedef {import('./types.js').Group} Group */

/**
 * @typedef {object} SearchMessagesOptions
 * @property {string[]} [keywordList] at most 5; each matched as a phrase
 * @property {'or' | 'and'} [keywordListMatchType] any keyword (default) or all
 * @property {string} [conversationID] only this conversation (then its messages, newest first)
 * @property {string[]} [senderUserIDList] only from these users
 * @property {string[]} [messageTypeList] only these `TYPES.MSG_*`
 * @property {number} [timePosition] unix s the time range ends at (0: now)
 * @property {number} [timePeriod] seconds before `timePosition` (0: all)
 * @property {string} [cursor] from the previous page
 * @property {number} [count] page size, 1..100 (default 20)
 */

/**
 * @typedef {object} SearchMessagesResult
 * @property {{conversationID: string, messageCount: number, messageList: Message[]}[]} searchResultList
 *   per conversation, most recent first; `messageList` holds the message only
 *   when it is the conversation's one hit, unless `conversationID` was given
 * @property {number} totalCount messages found
 * @property {string} cursor for the next page ('' on the last)
 */

/**
 * @typedef {object} SearchNamesOptions
 * @property {string[]} keywordList 1..5 keywords (substrings of names)
 * @property {'or' | 'and'} [keywordListMatchType]
 * @property {string} [cursor]
 * @property {number} [count] 1..100 (default 20)
 * @property {string} [gender] users: `TYPES.GENDER_*`
 * @property {number} [miniBirthday] users: birthday from (YYYYMMDD)
 * @property {number} [maxBirthday] users: birthday to
 * @property {string[]} [groupTypeList] groups and members: only these types
 * @property {string[]} [groupIDList] members: only these groups
 */

/**
 * @template T
 * @typedef {object} SearchPage
 * @property {T[]} searchResultList
 * @property {number} totalCount
 * @property {string} cursor for the next page ('' on the last)
 */

/**
 * @typedef {object} GroupMemberSearchResult
 * @property {{groupID: string, name: string, type: string, avatar: string}} groupInfo
 * @property {{userID: string, nick: string, nameCard: string, avatar: string}[]} memberList
 */

/** @param {unknown} options @param {string} api @returns {Record<string, any>} */
function namesRequest(options, api) {
  if (!isObject(options) || !Array.isArray(options.keywordList)) {
    throw invalid(`${api} expects {keywordList}`);
  }
  return {...options};
}

export class SearchAPI extends GroupAPI {
  /**
   * Messages I may see: of my conversations, in groups from my join on, never
   * recalled or cleared ones. Needs keywords, senders or message types.
   * @param {SearchMessagesOptions} options
   * @returns {Promise<ChatResponse<SearchMessagesResult>>}
   */
  async searchCloudMessages(options) {
    if (!isObject(options)) throw invalid('searchCloudMessages expects options');
    const sess = this._requireSession();
    const d = await this._sessionRequest(sess, 'searchCloudMessages', {...options});
    const searchResultList = (d.searchResultList || []).map((/** @type {any} */ r) => ({
      conversationID: String(r.conversationID),
      messageCount: Number(r.messageCount),
      messageList: (r.messageList || []).map((/** @type {unknown} */ w) => sess.list.internWire(w)),
    }));
    return {code: 0, data: {searchResultList, totalCount: Number(d.totalCount || 0), cursor: String(d.cursor || '')}};
  }

  /**
   * Users whose UserID or nick contains the keywords, by UserID.
   * @param {SearchNamesOptions} options
   * @returns {Promise<ChatResponse<SearchPage<Profile>>>}
   */
  async searchCloudUsers(options) {
    const d = await this._request('searchCloudUsers', namesRequest(options, 'searchCloudUsers'));
    return {code: 0, data: page(d)};
  }

  /**
   * Groups whose ID or name contains the keywords (Private and Work groups
   * only if I am a member), by groupID.
   * @param {SearchNamesOptions} options
   * @returns {Promise<ChatResponse<SearchPage<Group>>>}
   */
  async searchCloudGroups(options) {
    const d = await this._request('searchCloudGroups', namesRequest(options, 'searchCloudGroups'));
    return {code: 0, data: page(d)};
  }

  /**
   * Members of my groups whose UserID, name card or nick contains the keywords.
   * @param {SearchNamesOptions} options
   * @returns {Promise<ChatResponse<SearchPage<GroupMemberSearchResult>>>}
   */
  async searchCloudGroupMembers(options) {
    const req = namesRequest(options, 'searchCloudGroupMembers');
    const d = await this._request('searchCloudGroupMembers', req);
    return {code: 0, data: page(d)};
  }
}

/** @param {any} d @returns {SearchPage<any>} */
function page(d) {
  return {searchResultList: d.searchResultList || [], totalCount: Number(d.totalCount || 0), cursor: String(d.cursor || '')};
}
