/** Message calls of a `PalaverChat`. */
export class MessageAPI extends ChatSession {
    /**
     * A media message whose file `sendMessage` uploads first.
     * @protected
     * @param {string} type
     * @param {Record<string, any>} options
     * @param {Blob} file
     * @returns {Message}
     */
    protected _createUpload(type: string, options: Record<string, any>, file: Blob): Message;
    /**
     * Upload the pending file of `message` and fill in its element.
     * @protected
     * @param {import('./session.js').Session} sess
     * @param {Message} message
     */
    protected _upload(sess: import("./session.js").Session, message: Message): Promise<void>;
    /**
     * Stop the upload of a media message being sent (Palaver's own call; Tencent's SDK
     * has none): its `sendMessage` rejects with 2802 and nothing is stored or sent
     * (as does a later `resendMessage`). Returns false when the message has no upload
     * left (not a file, already uploaded, or cancelled before).
     * @param {Message} message
     * @returns {boolean}
     */
    cancelUploading(message: Message): boolean;
    /**
     * @protected
     * @param {string} type a `TYPES.MSG_*` element type
     * @param {unknown} options `{to, conversationType, cloudCustomData?, needReadReceipt?, priority?, isSupportExtension?}`
     * @param {Record<string, any>} payload
     * @returns {Message}
     */
    protected _create(type: string, options: unknown, payload: Record<string, any>): Message;
    /**
     * An unsent text message. Throws ChatError 6017 on bad options.
     * @param {MessageOptions<TextPayload>} options
     * @returns {Message}
     */
    createTextMessage(options: MessageOptions<TextPayload>): Message;
    /**
     * An unsent group text message mentioning members (`@`): payload `{text,
     * atUserList}` with userIDs, or `TYPES.MSG_AT_ALL` for everyone. The
     * mentioned members' conversations get a `groupAtInfoList` entry; a C2C
     * message carries just the text.
     * @param {MessageOptions<TextAtPayload>} options
     * @returns {Message}
     */
    createTextAtMessage(options: MessageOptions<TextAtPayload>): Message;
    /**
     * An unsent face (emoji) message: payload `{index: number, data: string}`.
     * @param {MessageOptions<FacePayload>} options
     * @returns {Message}
     */
    createFaceMessage(options: MessageOptions<FacePayload>): Message;
    /**
     * An unsent location: payload `{description: string, longitude: number, latitude: number}`.
     * @param {MessageOptions<LocationPayload>} options
     * @returns {Message}
     */
    createLocationMessage(options: MessageOptions<LocationPayload>): Message;
    /**
     * An unsent custom message: payload `{data: string, description?: string, extension?: string}`.
     * @param {MessageOptions<CustomPayload>} options
     * @returns {Message}
     */
    createCustomMessage(options: MessageOptions<CustomPayload>): Message;
    /**
     * An unsent image message. payload `{file}` (a `File`/`Blob` or an `<input
     * type=file>`, uploaded by `sendMessage`, which fills in Tencent's three sizes;
     * `options.onProgress(percent)` sees 0..1 as it goes), or by URL: Tencent's
     * received shape `{uuid, imageFormat, imageInfoArray: [{type, size, width,
     * height, url}]}`, or the short form `{url, width?, height?, size?, imageFormat?}`.
     * @param {MessageOptions<ImagePayload>} options
     * @returns {Message}
     */
    createImageMessage(options: MessageOptions<ImagePayload>): Message;
    /**
     * An unsent file message: payload `{file, fileName?}` (uploaded by `sendMessage`,
     * `onProgress` as for images), or by URL `{fileUrl (or url), fileName, fileSize, uuid?}`.
     * @param {MessageOptions<FilePayload>} options
     * @returns {Message}
     */
    createFileMessage(options: MessageOptions<FilePayload>): Message;
    /**
     * An unsent audio message: payload `{file, second?}` (e.g. a MediaRecorder `Blob`,
     * uploaded by `sendMessage`; the server reads the duration from the file where the
     * container says it, else takes `second`), or by URL `{url, second, size, uuid?}`.
     * @param {MessageOptions<AudioPayload>} options
     * @returns {Message}
     */
    createAudioMessage(options: MessageOptions<AudioPayload>): Message;
    /**
     * An unsent video message: payload `{file, cover?}` (MP4, MOV or WebM, uploaded by
     * `sendMessage`; `cover`: an image `File`/`Blob`, uploaded first, for the `thumb*`
     * fields), or by URL: payload `{videoUrl (or url), videoSecond,
     * videoSize, videoFormat, thumbUrl, thumbWidth, thumbHeight, ...}`.
     * @param {MessageOptions<VideoPayload>} options
     * @returns {Message}
     */
    createVideoMessage(options: MessageOptions<VideoPayload>): Message;
    /**
     * Send a message made by a `create*Message` method. The same object is
     * updated: `status` 'success', the server's `ID`, `sequence` and `time`.
     * The receiver's devices (a group's members) and this user's other devices
     * get MESSAGE_RECEIVED; this device does not (the message object is its copy).
     *
     * With `onlineUserOnly` the message is not stored: only devices online now
     * get it (`sequence` 0). `offlinePushInfo` (`{disablePush?, title?, description?,
     * extension?}`, as Tencent's SDK) is stored with it, shown to its receivers
     * (`message.offlinePushInfo`) and passed to the app backend's offline-push hook.
     *
     * Resolves `{code: 0, data: {message}}`. On failure `status` becomes 'fail'
     * and it rejects `{code, message}`: 20003 receiver not imported, 20007 I am
     * on their blacklist, 20009 not friends (when the app checks), 20012 I may
     * not send; in groups 10010 no such group, 10007 not a member, 10017 muted;
     * 90002/80002 bad body, 6014 not logged in, 6017 bad arguments; a message
     * made with a `file` is uploaded first, and an upload failure fails it
     * (2253/2301/2351/2402 too large, 2252 not an image, 2352 not a video, 2108
     * empty, 6008 storage failed);
     * 2800/2801 when the answer was lost — then the message may have been
     * stored, and {@link PalaverChat#resendMessage} sends it with the same
     * `random` so the server answers the stored copy instead of storing it twice.
     *
     * @param {Message} message
     * @param {{onlineUserOnly?: boolean, offlinePushInfo?: import('./types.js').OfflinePushInfo}} [options]
     * @returns {Promise<ChatResponse<{message: Message}>>}
     */
    sendMessage(message: Message, options?: {
        onlineUserOnly?: boolean;
        offlinePushInfo?: import("./types.js").OfflinePushInfo;
    }): Promise<ChatResponse<{
        message: Message;
    }>>;
    /**
     * Send again a message whose send failed (same `random`: if the first
     * attempt was stored, the server answers that copy). Rejects 6017 if it was
     * sent successfully, otherwise as {@link PalaverChat#sendMessage}.
     * @param {Message} message
     * @returns {Promise<ChatResponse<{message: Message}>>}
     */
    resendMessage(message: Message): Promise<ChatResponse<{
        message: Message;
    }>>;
    /**
     * Recall one of my sent messages. Resolves `{code: 0, data: {message}}`
     * (`isRevoked` true). The peer's devices and my other devices get
     * MESSAGE_REVOKED; this device does not (the promise is its news).
     *
     * Rejects: 20016 the app's recall window (default 120 s) has passed; 6017
     * not my message, not in my conversations, or not a sent message.
     * @param {Message | LastMessage} message
     * @returns {Promise<ChatResponse<{message: Message}>>}
     */
    revokeMessage(message: Message | LastMessage): Promise<ChatResponse<{
        message: Message;
    }>>;
}
export type ChatResponse<T> = import("./types.js").ChatResponse<T>;
export type MessageOptions<P> = import("./types.js").MessageOptions<P>;
export type LastMessage = import("./types.js").LastMessage;
export type TextPayload = import("./types.js").TextPayload;
export type TextAtPayload = import("./types.js").TextAtPayload;
export type FacePayload = import("./types.js").FacePayload;
export type LocationPayload = import("./types.js").LocationPayload;
export type CustomPayload = import("./types.js").CustomPayload;
export type ImagePayload = import("./types.js").ImagePayload;
export type FilePayload = import("./types.js").FilePayload;
export type AudioPayload = import("./types.js").AudioPayload;
export type VideoPayload = import("./types.js").VideoPayload;
import { ChatSession } from './session.js';
import { Message } from './message.js';
