export class SearchAPI extends GroupAPI {
    /**
     * Messages I may see: of my conversations, in groups from my join on, never
     * recalled or cleared ones. Needs keywords, senders or message types.
     * @param {SearchMessagesOptions} options
     * @returns {Promise<ChatResponse<SearchMessagesResult>>}
     */
    searchCloudMessages(options: SearchMessagesOptions): Promise<ChatResponse<SearchMessagesResult>>;
    /**
     * Users whose UserID or nick contains the keywords, by UserID.
     * @param {SearchNamesOptions} options
     * @returns {Promise<ChatResponse<SearchPage<Profile>>>}
     */
    searchCloudUsers(options: SearchNamesOptions): Promise<ChatResponse<SearchPage<Profile>>>;
    /**
     * Groups whose ID or name contains the keywords (Private and Work groups
     * only if I am a member), by groupID.
     * @param {SearchNamesOptions} options
     * @returns {Promise<ChatResponse<SearchPage<Group>>>}
     */
    searchCloudGroups(options: SearchNamesOptions): Promise<ChatResponse<SearchPage<Group>>>;
    /**
     * Members of my groups whose UserID, name card or nick contains the keywords.
     * @param {SearchNamesOptions} options
     * @returns {Promise<ChatResponse<SearchPage<GroupMemberSearchResult>>>}
     */
    searchCloudGroupMembers(options: SearchNamesOptions): Promise<ChatResponse<SearchPage<GroupMemberSearchResult>>>;
}
export type ChatResponse<T> = import("./types.js").ChatResponse<T>;
export type Message = import("./message.js").Message;
export type Profile = import("./types.js").Profile;
export type Group = import("./types.js").Group;
export type SearchMessagesOptions = {
    /**
     * at most 5; each matched as a phrase
     */
    keywordList?: string[];
    /**
     * any keyword (default) or all
     */
    keywordListMatchType?: "or" | "and";
    /**
     * only this conversation (then its messages, newest first)
     */
    conversationID?: string;
    /**
     * only from these users
     */
    senderUserIDList?: string[];
    /**
     * only these `TYPES.MSG_*`
     */
    messageTypeList?: string[];
    /**
     * unix s the time range ends at (0: now)
     */
    timePosition?: number;
    /**
     * seconds before `timePosition` (0: all)
     */
    timePeriod?: number;
    /**
     * from the previous page
     */
    cursor?: string;
    /**
     * page size, 1..100 (default 20)
     */
    count?: number;
};
export type SearchMessagesResult = {
    /**
     *   per conversation, most recent first; `messageList` holds the message only
     *   when it is the conversation's one hit, unless `conversationID` was given
     */
    searchResultList: {
        conversationID: string;
        messageCount: number;
        messageList: Message[];
    }[];
    /**
     * messages found
     */
    totalCount: number;
    /**
     * for the next page ('' on the last)
     */
    cursor: string;
};
export type SearchNamesOptions = {
    /**
     * 1..5 keywords (substrings of names)
     */
    keywordList: string[];
    keywordListMatchType?: "or" | "and";
    cursor?: string;
    /**
     * 1..100 (default 20)
     */
    count?: number;
    /**
     * users: `TYPES.GENDER_*`
     */
    gender?: string;
    /**
     * users: birthday from (YYYYMMDD)
     */
    miniBirthday?: number;
    /**
     * users: birthday to
     */
    maxBirthday?: number;
    /**
     * groups and members: only these types
     */
    groupTypeList?: string[];
    /**
     * members: only these groups
     */
    groupIDList?: string[];
};
export type SearchPage<T> = {
    searchResultList: T[];
    totalCount: number;
    /**
     * for the next page ('' on the last)
     */
    cursor: string;
};
export type GroupMemberSearchResult = {
    groupInfo: {
        groupID: string;
        name: string;
        type: string;
        avatar: string;
    };
    memberList: {
        userID: string;
        nick: string;
        nameCard: string;
        avatar: string;
    }[];
};
import { GroupAPI } from './groups.js';
