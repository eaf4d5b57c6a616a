export type Message = import("./message.js").Message;
export type EVENTS = typeof import("./constants.js").EVENT;
export type EventName = EVENTS[keyof EVENTS];
export type ConversationType = "C2C" | "GROUP";
export type MessageType = "TIMTextElem" | "TIMFaceElem" | "TIMLocationElem" | "TIMCustomElem" | "TIMImageElem" | "TIMFileElem" | "TIMSoundElem" | "TIMVideoFileElem" | "TIMGroupTipElem" | "TIMGroupSystemNoticeElem" | string;
export type GroupType = "Private" | "Public" | "ChatRoom" | "AVChatRoom" | "Community";
export type GroupRole = "Owner" | "Admin" | "Member";
export type JoinOption = "FreeAccess" | "NeedPermission" | "DisableApply";
export type JoinStatus = "JoinedSuccess" | "WaitAdminApproval" | "AlreadyInGroup";
export type MessageStatus = "unSend" | "success" | "fail";
export type NetState = "connected" | "connecting" | "disconnected";
export type KickedOutType = "multipleAccount" | "multipleDevice" | "userSigExpired" | "REST_API_Kick";
/**
 * What every call resolves with.
 */
export type ChatResponse<T> = {
    code: 0;
    data: T;
};
/**
 * One REST `MsgBody` element.
 */
export type MsgElement = {
    MsgType: string;
    MsgContent: Record<string, unknown>;
};
export type TextPayload = {
    text: string;
};
export type TextAtPayload = {
    text: string;
    /**
     * userIDs, or `TYPES.MSG_AT_ALL`
     */
    atUserList?: string[];
};
/**
 * `payload` of a `TIMGroupTipElem` message.
 */
export type GroupTipPayload = {
    /**
     * `TYPES.GRP_TIP_*`: 1 join, 2 quit, 3 kicked,
     * 4 admin set, 5 admin unset, 6 group profile, 7 member profile
     */
    operationType: number;
    operatorID: string;
    userIDList: string[];
    newGroupProfile?: Partial<Group>;
    msgMemberInfo?: Array<{
        userID: string;
        muteTime: number;
    }>;
};
export type FacePayload = {
    index: number;
    data: string;
};
export type LocationPayload = {
    description: string;
    /**
     * degrees
     */
    longitude: number;
    /**
     * degrees
     */
    latitude: number;
};
export type CustomPayload = {
    data: string;
    description?: string;
    extension?: string;
};
export type ImageInfo = {
    /**
     * 1 original, 2 large, 3 thumbnail
     */
    type: number;
    url: string;
    /**
     * bytes
     */
    size?: number;
    width?: number;
    height?: number;
};
/**
 * Tencent's shape, or the short form `{url, width?, height?, size?, imageFormat?}`.
 */
export type ImagePayload = {
    uuid?: string;
    imageFormat?: number | string;
    imageInfoArray: ImageInfo[];
} | {
    url: string;
    width?: number;
    height?: number;
    size?: number;
    imageFormat?: number | string;
    uuid?: string;
} | MediaFilePayload;
/**
 * A file to upload when the message is sent: a `File`/`Blob`, or an `<input type=file>`
 * (its first file); `fileName` overrides the file's name.
 */
export type MediaFilePayload = {
    file: Blob | {
        files: ArrayLike<Blob>;
    };
    fileName?: string;
};
export type FilePayload = {
    /**
     * a file to upload (see MediaFilePayload)
     */
    file?: Blob | {
        files: ArrayLike<Blob>;
    };
    fileUrl?: string;
    /**
     * the same as `fileUrl`
     */
    url?: string;
    fileName?: string;
    /**
     * bytes
     */
    fileSize?: number;
    uuid?: string;
};
export type AudioPayload = {
    /**
     * a recording to upload (see MediaFilePayload)
     */
    file?: Blob | {
        files: ArrayLike<Blob>;
    };
    url?: string;
    /**
     * duration, s
     */
    second?: number;
    /**
     * bytes
     */
    size?: number;
    uuid?: string;
};
export type VideoPayload = {
    file?: Blob | {
        files: ArrayLike<Blob>;
    };
    cover?: Blob;
    videoUrl?: string;
    url?: string;
    videoSecond?: number;
    videoSize?: number;
    videoFormat?: string;
    thumbUrl?: string;
    thumbWidth?: number;
    thumbHeight?: number;
    [key: string]: unknown;
};
/**
 * `conversation.lastMessage`: the message plus Tencent's summary fields
 * (`lastTime` unix s, `lastSequence`, `fromAccount`, and `messageForShow`: the
 * text, or a placeholder by type: '[图片]', '[语音]', '[文件]'...).
 */
export type LastMessage = Message & {
    lastTime: number;
    lastSequence: number;
    fromAccount: string;
    messageForShow: string;
};
export type Profile = {
    userID: string;
    nick: string;
    avatar: string;
    gender: string;
    selfSignature: string;
    allowType: string;
    birthday: number;
    location: string;
    language: number;
    messageSettings: number;
    adminForbidType: string;
    level: number;
    role: number;
    profileCustomField: Array<{
        key: string;
        value: string | number;
    }>;
};
/**
 * A conversation (Tencent's `Conversation`), a snapshot.
 */
export type Conversation = {
    conversationID: string;
    type: ConversationType;
    subType: string;
    unreadCount: number;
    lastMessage: LastMessage | null;
    isPinned: boolean;
    /**
     * C2C: the peer's profile (`{}` for groups)
     */
    userProfile: Partial<Profile> & {
        userID?: string;
    };
    /**
     * GROUP: the group (null for C2C)
     */
    groupProfile: Group | null;
    /**
     * GROUP: unread messages that
     */
    groupAtInfoList: GroupAtInfo[];
};
export type GroupAtInfo = {
    groupID: string;
    from: string;
    messageSequence: number;
    /**
     * `TYPES.CONV_AT_ME` (1) and/or `TYPES.CONV_AT_ALL` (2)
     */
    atTypeArray: number[];
};
/**
 * A group (docs/protocol.md §8.4).
 */
export type Group = {
    groupID: string;
    type: GroupType;
    name: string;
    avatar: string;
    introduction: string;
    notification: string;
    ownerID: string;
    /**
     * unix s
     */
    createTime: number;
    lastInfoTime: number;
    lastMessage: {
        lastTime: number;
        lastSequence: number;
        fromAccount: string;
    };
    nextMessageSeq: number;
    memberCount: number;
    maxMemberCount: number;
    muteAllMembers: boolean;
    joinOption: JoinOption;
    groupCustomField: Array<{
        key: string;
        value: string;
    }>;
    /**
     * mine, when I am a member
     */
    selfInfo?: {
        userID: string;
        role: GroupRole;
        joinTime: number;
        nameCard: string;
        muteUntil: number;
        messageRemindType: string;
    };
};
export type GroupMember = {
    userID: string;
    nick: string;
    avatar: string;
    role: GroupRole;
    /**
     * unix s
     */
    joinTime: number;
    nameCard: string;
    /**
     * unix s; 0 = not muted
     */
    muteUntil: number;
    memberCustomField: Array<{
        key: string;
        value: string;
    }>;
};
export type GroupApplication = {
    groupID: string;
    groupName: string;
    applicant: string;
    applicantNick: string;
    applyMessage: string;
    /**
     * unix s
     */
    time: number;
};
export type GroupApplicationList = {
    applicationList: GroupApplication[];
    unreadCount: number;
};
/**
 * MESSAGE_READ_RECEIPT_RECEIVED data: new read counts of my loaded messages,
 * plus what the receipt says.
 */
export type ReadReceipts = Array<{
    groupID: string;
    conversationID: string;
    messageID: string;
    readCount: number;
    unreadCount: number;
}> & {
    conversationID: string;
    groupID: string;
    userID: string;
    readSequence: number;
};
export type CreateGroupOptions = {
    /**
     * `TYPES.GRP_*` (default 'Private')
     */
    type?: GroupType | "Work" | "Meeting";
    name: string;
    groupID?: string;
    introduction?: string;
    notification?: string;
    avatar?: string;
    maxMemberNum?: number;
    joinOption?: JoinOption;
    memberList?: Array<string | {
        userID: string;
        role?: GroupRole;
        memberCustomField?: Array<{
            key: string;
            value: string;
        }>;
    }>;
    groupCustomField?: Array<{
        key: string;
        value: string;
    }>;
};
export type UpdateGroupOptions = {
    groupID: string;
    name?: string;
    introduction?: string;
    notification?: string;
    avatar?: string;
    maxMemberNum?: number;
    joinOption?: JoinOption;
    muteAllMembers?: boolean;
    groupCustomField?: Array<{
        key: string;
        value: string;
    }>;
};
export type Friend = {
    userID: string;
    remark: string;
    groupList: string[];
    addTime: number;
    source: string;
    wording: string;
    friendCustomField: Array<{
        key: string;
        value: string | number;
    }>;
    profile: Profile;
};
export type FriendApplication = {
    userID: string;
    type: "Pendency_Type_ComeIn" | "Pendency_Type_SendOut";
    wording: string;
    source: string;
    time: number;
    nick: string;
    avatar: string;
};
export type FriendApplicationList = {
    friendApplicationList: FriendApplication[];
    unreadCount: number;
};
/**
 * MESSAGE_READ_BY_PEER data: the messages now read, plus what the receipt
 * says (`userID` is the reader).
 */
export type ReadByPeer = Message[] & {
    conversationID: string;
    userID: string;
    readSequence: number;
    time: number;
};
export type UserIDResult = {
    successUserIDList: Array<{
        userID: string;
    }>;
    failureUserIDList: Array<{
        userID: string;
        code: number;
        message: string;
    }>;
};
export type CheckFriendResult = {
    successUserIDList: Array<{
        userID: string;
        code: 0;
        relation: string;
    }>;
    failureUserIDList: Array<{
        userID: string;
        code: number;
        message: string;
    }>;
};
/**
 * Event data per event name.
 */
export type EventData = {
    sdkStateReady: undefined;
    sdkStateNotReady: undefined;
    onMessageReceived: Message[];
    onMessageRevoked: Message[];
    onMessageReadByPeer: ReadByPeer;
    onMessageReadReceiptReceived: ReadReceipts;
    /**
     * the whole refetched list of my groups
     */
    onGroupListUpdated: Group[];
    onGroupApplicationListUpdated: GroupApplicationList;
    onConversationListUpdated: Conversation[];
    onTotalUnreadMessageCountUpdated: number;
    onProfileUpdated: Profile[];
    onFriendListUpdated: Friend[];
    onFriendApplicationListUpdated: FriendApplicationList;
    blacklistUpdated: string[];
    kickedOut: {
        type: KickedOutType;
    };
    netStateChange: {
        state: NetState;
    };
    error: {
        code: number;
        message: string;
    };
    onMessageExtensionsUpdated: {
        messageID: string;
        extensions: {
            key: string;
            value: string;
        }[];
    };
    onMessageExtensionsDeleted: {
        messageID: string;
        keyList: string[];
    };
    onPinnedGroupMessageUpdated: {
        groupID: string;
        message: Message;
        isPinned: boolean;
        operatorInfo: {
            userID?: string;
        };
    };
};
/**
 * A listener of the event `E`.
 */
export type Listener<E extends string> = (event: {
    name: E;
    data: E extends keyof EventData ? EventData[E] : unknown;
}) => void;
/**
 * `PalaverChat.create`'s options.
 */
export type CreateOptions = {
    SDKAppID: number;
    /**
     * `http(s)://host:port` (or `ws(s)://host:port/ws`); default `location.origin`
     */
    server?: string;
    /**
     * what the server calls this device ('Web')
     */
    platform?: "Web" | "Android" | "iOS" | "Windows" | "Mac" | "iPad" | "Linux" | "Unknown" | string;
    /**
     * ms a request may wait for its answer, including for a reconnect (15000)
     */
    requestTimeout?: number;
    /**
     * ms between heartbeats (default: the server's `heartbeatInterval`)
     */
    heartbeatInterval?: number;
    /**
     * first reconnect delay in ms (500), doubling per failed attempt, ±25 % jitter
     */
    reconnectDelay?: number;
    /**
     * longest reconnect delay in ms (15000)
     */
    reconnectMaxDelay?: number;
    /**
     * a WebSocket class, where there is no global one
     */
    WebSocket?: unknown;
};
/**
 * The options of the `create*Message` calls, with the payload `P`.
 */
export type MessageOptions<P> = {
    /**
     * a userID (C2C) or a groupID (GROUP)
     */
    to: string;
    conversationType: ConversationType;
    payload: P;
    cloudCustomData?: string;
    needReadReceipt?: boolean;
    priority?: string;
    /**
     * the message may carry key-value extensions
     */
    isSupportExtension?: boolean;
    /**
     * media with a `file`: the fraction
     * uploaded, 0..1, as `sendMessage` uploads it
     */
    onProgress?: (percent: number) => void;
};
/**
 * How a message is pushed to receivers who are offline (`sendMessage`'s option and
 * `Message.offlinePushInfo`, as Tencent's SDK names it). On the wire it is Tencent's
 * `OfflinePushInfo` (`PushFlag`, `Title`, `Desc`, `Ext`).
 */
export type OfflinePushInfo = {
    /**
     * no offline push for this message (`PushFlag` 1)
     */
    disablePush?: boolean;
    title?: string;
    description?: string;
    /**
     * passed to the receiving app with the push
     */
    extension?: string;
};
export type LoginData = {
    repeatLogin: boolean;
    errorInfo: string;
    userID?: string;
    /**
     * unix s
     */
    serverTime?: number;
    /**
     * s
     */
    heartbeatInterval?: number;
    /**
     * s
     */
    heartbeatTimeout?: number;
    /**
     * s a sender may recall a message in this app
     */
    recallWindow?: number;
    cursor?: number;
};
export type ProfileUpdate = {
    nick?: string;
    avatar?: string;
    gender?: string;
    selfSignature?: string;
    allowType?: string;
    birthday?: number;
    location?: string;
    language?: number;
    messageSettings?: number;
    level?: number;
    role?: number;
    profileCustomField?: Array<{
        key: string;
        value: string | number;
    }>;
};
