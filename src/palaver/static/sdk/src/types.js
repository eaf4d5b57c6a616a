/**
 * The shapes the SDK takes and gives (types only: this module has no code).
 * `palaver-chat.d.ts` is generated from these JSDoc types by `tsc`.
 *
 * @module palaver-chat/types
 */

/** @typedef {import('./message.js').Message} Message */
/** @typedef {typeof import('./constants.js').EVENT} EVENTS */

/** @typedef {EVENTS[keyof EVENTS]} EventName */
/** @typedef {'C2C' | 'GROUP'} ConversationType */
/**
 * @typedef {'TIMTextElem' | 'TIMFaceElem' | 'TIMLocationElem' | 'TIMCustomElem' | 'TIMImageElem'
 *   | 'TIMFileElem' | 'TIMSoundElem' | 'TIMVideoFileElem' | 'TIMGroupTipElem' | 'TIMGroupSystemNoticeElem'
 *   | string} MessageType
 */
/** @typedef {'Private' | 'Public' | 'ChatRoom' | 'AVChatRoom' | 'Community'} GroupType */
/** @typedef {'Owner' | 'Admin' | 'Member'} GroupRole */
/** @typedef {'FreeAccess' | 'NeedPermission' | 'DisableApply'} JoinOption */
/** @typedef {'JoinedSuccess' | 'WaitAdminApproval' | 'AlreadyInGroup'} JoinStatus */
/** @typedef {'unSend' | 'success' | 'fail'} MessageStatus */
/** @typedef {'connected' | 'connecting' | 'disconnected'} NetState */
/** @typedef {'multipleAccount' | 'multipleDevice' | 'userSigExpired' | 'REST_API_Kick'} KickedOutType */

/**
 * What every call resolves with.
 * @template T
 * @typedef {object} ChatResponse
 * @property {0} code
 * @property {T} data
 */

/**
 * One REST `MsgBody` element.
 * @typedef {object} MsgElement
 * @property {string} MsgType
 * @property {Record<string, unknown>} MsgContent
 */

/**
 * @typedef {object} TextPayload
 * @property {string} text
 */
/**
 * @typedef {object} TextAtPayload
 * @property {string} text
 * @property {string[]} [atUserList] userIDs, or `TYPES.MSG_AT_ALL`
 */
/**
 * `payload` of a `TIMGroupTipElem` message.
 * @typedef {object} GroupTipPayload
 * @property {number} operationType `TYPES.GRP_TIP_*`: 1 join, 2 quit, 3 kicked,
 *   4 admin set, 5 admin unset, 6 group profile, 7 member profile
 * @property {string} operatorID
 * @property {string[]} userIDList
 * @property {Partial<Group>} [newGroupProfile]
 * @property {Array<{userID: string, muteTime: number}>} [msgMemberInfo]
 */
/**
 * @typedef {object} FacePayload
 * @property {number} index
 * @property {string} data
 */
/**
 * @typedef {object} LocationPayload
 * @property {string} description
 * @property {number} longitude degrees
 * @property {number} latitude degrees
 */
/**
 * @typedef {object} CustomPayload
 * @property {string} data
 * @property {string} [description]
 * @property {string} [extension]
 */
/**
 * @typedef {object} ImageInfo
 * @property {number} type 1 original, 2 large, 3 thumbnail
 * @property {string} url
 * @property {number} [size] bytes
 * @property {number} [width]
 * @property {number} [height]
 */
/**
 * Tencent's shape, or the short form `{url, width?, height?, size?, imageFormat?}`.
 * @typedef {{uuid?: string, imageFormat?: number | string, imageInfoArray: ImageInfo[]}
 *   | {url: string, width?: number, height?: number, size?: number, imageFormat?: number | string, uuid?: string}
 *   | MediaFilePayload} ImagePayload
 */
/**
 * A file to upload when the message is sent: a `File`/`Blob`, or an `<input type=file>`
 * (its first file); `fileName` overrides the file's name.
 * @typedef {object} MediaFilePayload
 * @property {Blob | {files: ArrayLike<Blob>}} file
 * @property {string} [fileName]
 */
/**
 * @typedef {object} FilePayload
 * @property {Blob | {files: ArrayLike<Blob>}} [file] a file to upload (see MediaFilePayload)
 * @property {string} [fileUrl]
 * @property {string} [url] the same as `fileUrl`
 * @property {string} [fileName]
 * @property {number} [fileSize] bytes
 * @property {string} [uuid]
 */
/**
 * @typedef {object} AudioPayload
 * @property {Blob | {files: ArrayLike<Blob>}} [file] a recording to upload (see MediaFilePayload)
 * @property {string} [url]
 * @property {number} [second] duration, s
 * @property {number} [size] bytes
 * @property {string} [uuid]
 */
/**
 * @typedef {{file?: Blob | {files: ArrayLike<Blob>}, cover?: Blob, videoUrl?: string, url?: string, videoSecond?: number, videoSize?: number, videoFormat?: string,
 *   thumbUrl?: string, thumbWidth?: number, thumbHeight?: number, [key: string]: unknown}} VideoPayload
 */

/**
 * `conversation.lastMessage`: the message plus Tencent's summary fields
 * (`lastTime` unix s, `lastSequence`, `fromAccount`, and `messageForShow`: the
 * text, or a placeholder by type: '[图片]', '[语音]', '[文件]'...).
 * @typedef {Message & {lastTime: number, lastSequence: number, fromAccount: string, messageForShow: string}} LastMessage
 */

/**
 * @typedef {object} Profile
 * @property {string} userID
 * @property {string} nick
 * @property {string} avatar
 * @property {string} gender
 * @property {string} selfSignature
 * @property {string} allowType
 * @property {number} birthday
 * @property {string} location
 * @property {number} language
 * @property {number} messageSettings
 * @property {string} adminForbidType
 * @property {number} level
 * @property {number} role
 * @property {Array<{key: string, value: string | number}>} profileCustomField
 */

/**
 * A conversation (Tencent's `Conversation`), a snapshot.
 * @typedef {object} Conversation
 * @property {string} conversationID
 * @property {ConversationType} type
 * @property {string} subType
 * @property {number} unreadCount
 * @property {LastMessage | null} lastMessage
 * @property {boolean} isPinned
 * @property {Partial<Profile> & {userID?: string}} userProfile C2C: the peer's profile (`{}` for groups)
 * @property {Group | null} groupProfile GROUP: the group (null for C2C)
 * @property {GroupAtInfo[]} groupAtInfoList GROUP: unread messages that @-mention me or everyone
 * @property {string} remark
 * @property {string} messageRemindType `AcceptAndNotify`, `AcceptNotNotify` or `Discard` (muted: left out of the unread total)
 * @property {string} draftText my draft, kept on the server
 * @property {string} customData my custom data of the conversation
 * @property {number[]} markList my marks (`TYPES.CONV_MARK_TYPE_*`)
 * @property {string[]} conversationGroupList the names of my conversation groups holding it
 * @property {number} peerReadSequence Palaver: how far the peer read (a message `sequence`)
 * @property {number} readSequence Palaver: how far I read
 */

/**
 * @typedef {object} GroupAtInfo
 * @property {string} groupID
 * @property {string} from
 * @property {number} messageSequence
 * @property {number[]} atTypeArray `TYPES.CONV_AT_ME` (1) and/or `TYPES.CONV_AT_ALL` (2)
 */

/**
 * A group (docs/protocol.md §8.4).
 * @typedef {object} Group
 * @property {string} groupID
 * @property {GroupType} type
 * @property {string} name
 * @property {string} avatar
 * @property {string} introduction
 * @property {string} notification
 * @property {string} ownerID
 * @property {number} createTime unix s
 * @property {number} lastInfoTime
 * @property {{lastTime: number, lastSequence: number, fromAccount: string}} lastMessage
 * @property {number} nextMessageSeq
 * @property {number} memberCount
 * @property {number} maxMemberCount
 * @property {boolean} muteAllMembers
 * @property {JoinOption} joinOption
 * @property {Array<{key: string, value: string}>} groupCustomField
 * @property {{userID: string, role: GroupRole, joinTime: number, nameCard: string, muteUntil: number,
 *   messageRemindType: string}} [selfInfo] mine, when I am a member
 */

/**
 * @typedef {object} GroupMember
 * @property {string} userID
 * @property {string} nick
 * @property {string} avatar
 * @property {GroupRole} role
 * @property {number} joinTime unix s
 * @property {string} nameCard
 * @property {number} muteUntil unix s; 0 = not muted
 * @property {Array<{key: string, value: string}>} memberCustomField
 */

/**
 * @typedef {object} GroupApplication
 * @property {string} groupID
 * @property {string} groupName
 * @property {string} applicant
 * @property {string} applicantNick
 * @property {string} applyMessage
 * @property {number} time unix s
 */

/**
 * @typedef {object} GroupApplicationList
 * @property {GroupApplication[]} applicationList
 * @property {number} unreadCount
 */

/**
 * MESSAGE_READ_RECEIPT_RECEIVED data: new read counts of my loaded messages,
 * plus what the receipt says.
 * @typedef {Array<{groupID: string, conversationID: string, messageID: string, readCount: number,
 *   unreadCount: number}> & {conversationID: string, groupID: string, userID: string, readSequence: number}} ReadReceipts
 */

/**
 * @typedef {object} CreateGroupOptions
 * @property {GroupType | 'Work' | 'Meeting'} [type] `TYPES.GRP_*` (default 'Private')
 * @property {string} name
 * @property {string} [groupID]
 * @property {string} [introduction]
 * @property {string} [notification]
 * @property {string} [avatar]
 * @property {number} [maxMemberNum]
 * @property {JoinOption} [joinOption]
 * @property {Array<string | {userID: string, role?: GroupRole,
 *   memberCustomField?: Array<{key: string, value: string}>}>} [memberList]
 * @property {Array<{key: string, value: string}>} [groupCustomField]
 */

/**
 * @typedef {object} UpdateGroupOptions
 * @property {string} groupID
 * @property {string} [name]
 * @property {string} [introduction]
 * @property {string} [notification]
 * @property {string} [avatar]
 * @property {number} [maxMemberNum]
 * @property {JoinOption} [joinOption]
 * @property {boolean} [muteAllMembers]
 * @property {Array<{key: string, value: string}>} [groupCustomField]
 */

/**
 * @typedef {object} Friend
 * @property {string} userID
 * @property {string} remark
 * @property {string[]} groupList
 * @property {number} addTime
 * @property {string} source
 * @property {string} wording
 * @property {Array<{key: string, value: string | number}>} friendCustomField
 * @property {Profile} profile
 */

/**
 * @typedef {object} FriendApplication
 * @property {string} userID
 * @property {'Pendency_Type_ComeIn' | 'Pendency_Type_SendOut'} type
 * @property {string} wording
 * @property {string} source
 * @property {number} time
 * @property {string} nick
 * @property {string} avatar
 */

/**
 * @typedef {object} FriendApplicationList
 * @property {FriendApplication[]} friendApplicationList
 * @property {number} unreadCount
 */

/**
 * MESSAGE_READ_BY_PEER data: the messages now read, plus what the receipt
 * says (`userID` is the reader).
 * @typedef {Message[] & {conversationID: string, userID: string, readSequence: number, time: number}} ReadByPeer
 */

/**
 * @typedef {object} UserIDResult
 * @property {Array<{userID: string}>} successUserIDList
 * @property {Array<{userID: string, code: number, message: string}>} failureUserIDList
 */

/**
 * @typedef {object} CheckFriendResult
 * @property {Array<{userID: string, code: 0, relation: string}>} successUserIDList
 * @property {Array<{userID: string, code: number, message: string}>} failureUserIDList
 */

/**
 * Event data per event name.
 * @typedef {object} EventData
 * @property {undefined} sdkStateReady
 * @property {undefined} sdkStateNotReady
 * @property {Message[]} onMessageReceived
 * @property {Message[]} onMessageRevoked
 * @property {ReadByPeer} onMessageReadByPeer
 * @property {ReadReceipts} onMessageReadReceiptReceived
 * @property {Group[]} onGroupListUpdated the whole refetched list of my groups
 * @property {GroupApplicationList} onGroupApplicationListUpdated
 * @property {Conversation[]} onConversationListUpdated
 * @property {number} onTotalUnreadMessageCountUpdated
 * @property {Profile[]} onProfileUpdated
 * @property {Friend[]} onFriendListUpdated
 * @property {FriendApplicationList} onFriendApplicationListUpdated
 * @property {string[]} blacklistUpdated
 * @property {{type: KickedOutType}} kickedOut
 * @property {{state: NetState}} netStateChange
 * @property {{code: number, message: string}} error
 * @property {{messageID: string, extensions: {key: string, value: string}[]}} onMessageExtensionsUpdated
 * @property {{messageID: string, keyList: string[]}} onMessageExtensionsDeleted
 * @property {{groupID: string, message: Message, isPinned: boolean, operatorInfo: {userID?: string}}} onPinnedGroupMessageUpdated
 */

/**
 * A listener of the event `E`.
 * @template {string} E
 * @typedef {(event: {name: E, data: E extends keyof EventData ? EventData[E] : unknown}) => void} Listener
 */

/**
 * `PalaverChat.create`'s options.
 * @typedef {object} CreateOptions
 * @property {number} SDKAppID
 * @property {string} [server] `http(s)://host:port` (or `ws(s)://host:port/ws`); default `location.origin`
 * @property {'Web' | 'Android' | 'iOS' | 'Windows' | 'Mac' | 'iPad' | 'Linux' | 'Unknown' | string} [platform]
 *   what the server calls this device ('Web')
 * @property {number} [requestTimeout] ms a request may wait for its answer, including for a reconnect (15000)
 * @property {number} [heartbeatInterval] ms between heartbeats (default: the server's `heartbeatInterval`)
 * @property {number} [reconnectDelay] first reconnect delay in ms (500), doubling per failed attempt, ±25 % jitter
 * @property {number} [reconnectMaxDelay] longest reconnect delay in ms (15000)
 * @property {unknown} [WebSocket] a WebSocket class, where there is no global one
 */

/**
 * The options of the `create*Message` calls, with the payload `P`.
 * @template P
 * @typedef {object} MessageOptions
 * @property {string} to a userID (C2C) or a groupID (GROUP)
 * @property {ConversationType} conversationType
 * @property {P} payload
 * @property {string} [cloudCustomData]
 * @property {boolean} [needReadReceipt]
 * @property {string} [priority]
 * @property {boolean} [isSupportExtension] the message may carry key-value extensions
 * @property {(percent: number) => void} [onProgress] media with a `file`: the fraction
 *   uploaded, 0..1, as `sendMessage` uploads it
 */

/**
 * How a message is pushed to receivers who are offline (`sendMessage`'s option and
 * `Message.offlinePushInfo`, as Tencent's SDK names it). On the wire it is Tencent's
 * `OfflinePushInfo` (`PushFlag`, `Title`, `Desc`, `Ext`).
 * @typedef {object} OfflinePushInfo
 * @property {boolean} [disablePush] no offline push for this message (`PushFlag` 1)
 * @property {string} [title]
 * @property {string} [description]
 * @property {string} [extension] passed to the receiving app with the push
 */

/**
 * @typedef {object} LoginData
 * @property {boolean} repeatLogin
 * @property {string} errorInfo
 * @property {string} [userID]
 * @property {number} [serverTime] unix s
 * @property {number} [heartbeatInterval] s
 * @property {number} [heartbeatTimeout] s
 * @property {number} [recallWindow] s a sender may recall a message in this app
 * @property {number} [cursor]
 */

/**
 * @typedef {object} ProfileUpdate
 * @property {string} [nick]
 * @property {string} [avatar]
 * @property {string} [gender]
 * @property {string} [selfSignature]
 * @property {string} [allowType]
 * @property {number} [birthday]
 * @property {string} [location]
 * @property {number} [language]
 * @property {number} [messageSettings]
 * @property {number} [level]
 * @property {number} [role]
 * @property {Array<{key: string, value: string | number}>} [profileCustomField]
 */

export {};
