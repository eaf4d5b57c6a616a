/**
 * Messages: create, upload, send, resend and recall (Tencent's message calls;
 * history and read state are in message-reads.js).
 *
 * @module palaver-chat/messages
 */

import {ERROR_CODE, TYPES} from './constants.js';
import {ChatError, invalid} from './errors.js';
import {Message, payloadToElement, pushInfoToWire, renameUrl} from './message.js';
import {ChatSession} from './session.js';
import {isObject, nowSeconds, uint32} from './util.js';

/**
 * @template T
 * @typedef {import('./types.js').ChatResponse<T>} ChatResponse
 */
/**
 * @template P
 * @typedef {import('./types.js').MessageOptions<P>} MessageOptions
 */
/** @typedef {import('./types.js').LastMessage} LastMessage */
/** @typedef {import('./types.js').TextPayload} TextPayload */
/** @typedef {import('./types.js').TextAtPayload} TextAtPayload */
/** @typedef {import('./types.js').FacePayload} FacePayload */
/** @typedef {import('./types.js').LocationPayload} LocationPayload */
/** @typedef {import('./types.js').CustomPayload} CustomPayload */
/** @typedef {import('./types.js').ImagePayload} ImagePayload */
/** @typedef {import('./types.js').FilePayload} FilePayload */
/** @typedef {import('./types.js').AudioPayload} AudioPayload */
/** @typedef {import('./types.js').VideoPayload} VideoPayload */

/**
 * Files waiting to be uploaded when their message is sent.
 * @type {WeakMap<Message, {kind: string, file: Blob, name: string, second: number, cover: Blob | null,
 *   onProgress?: (percent: number) => void,
 *   abort?: () => void, cancelled?: boolean}>}
 */
const pendingUploads = new WeakMap();

/** The upload endpoint's `type` of each media message type. */
const UPLOAD_KINDS = {
  [TYPES.MSG_IMAGE]: 'image',
  [TYPES.MSG_FILE]: 'file',
  [TYPES.MSG_AUDIO]: 'sound',
  [TYPES.MSG_VIDEO]: 'video',
};

/**
 * The file of a payload: a `File`/`Blob`, or the first file of an `<input type=file>`.
 * @param {unknown} options `{payload: {file}}`
 * @returns {Blob | null}
 */
function fileOf(options) {
  const payload = isObject(options) ? options.payload : null;
  /** @type {any} */
  let file = isObject(payload) ? payload.file : null;
  if (file && typeof file === 'object' && file.files && file.files.length) file = file.files[0];
  return typeof Blob !== 'undefined' && file instanceof Blob ? file : null;
}

/**
 * `http(s)://host` of the SDK's `server` (a `ws(s)://…/ws` URL too).
 * @param {string} server
 * @returns {string}
 */
function httpBase(server) {
  const url = server.replace(/\/+$/, '').replace(/\/ws$/, '');
  if (url.startsWith('wss://')) return 'https://' + url.slice(6);
  if (url.startsWith('ws://')) return 'http://' + url.slice(5);
  return url;
}

/**
 * POST a file to `/media/upload`, reporting progress (XMLHttpRequest where there is
 * one, else fetch); resolves the server's answer, rejects `{code, message}`.
 * `job.abort` is set to a function that cancels it (rejecting 2802).
 * @param {string} url
 * @param {{file: Blob, onProgress?: (percent: number) => void, abort?: () => void}} job
 * @returns {Promise<Record<string, any>>}
 */
function postFile(url, job) {
  const cancelled = () => new ChatError(ERROR_CODE.UPLOAD_CANCELLED, 'upload cancelled');
  if (typeof XMLHttpRequest === 'undefined') {
    const ctl = new AbortController();
    job.abort = () => ctl.abort();
    return fetch(url, {method: 'POST', body: job.file, signal: ctl.signal})
      .then((r) => r.json())
      .catch((err) => {
        throw ctl.signal.aborted ? cancelled() : new ChatError(ERROR_CODE.NETWORK, `upload failed: ${err}`);
      });
  }
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url, true);
    xhr.responseType = 'json';
    const onProgress = job.onProgress;
    if (onProgress) {
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable && e.total) onProgress(Math.min(e.loaded / e.total, 0.99));
      };
    }
    xhr.onload = () => resolve(xhr.response || {ErrorCode: ERROR_CODE.NETWORK, ErrorInfo: 'no answer'});
    xhr.onerror = () => reject(new ChatError(ERROR_CODE.NETWORK, 'upload failed: network error'));
    xhr.onabort = () => reject(cancelled());
    job.abort = () => xhr.abort();
    xhr.send(job.file);
  });
}

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
  _createUpload(type, options, file) {
    const message = this._create(type, options, {});
    const name = options.payload.fileName || /** @type {any} */ (file).name || 'file';
    const second = Number(options.payload.second || options.payload.videoSecond) || 0;
    const cover = type === TYPES.MSG_VIDEO ? fileOf({payload: {file: options.payload.cover}}) : null;
    pendingUploads.set(message, {
      kind: UPLOAD_KINDS[type], file, name: String(name), second, cover, onProgress: options.onProgress,
    });
    return message;
  }

  /**
   * Upload the pending file of `message` and fill in its element.
   * @protected
   * @param {import('./session.js').Session} sess
   * @param {Message} message
   */
  async _upload(sess, message) {
    const job = pendingUploads.get(message);
    if (!job) return;
    const q = new URLSearchParams({
      sdkappid: String(this.SDKAppID),
      identifier: sess.userID,
      usersig: sess.userSig,
      type: job.kind,
      name: job.name,
    });
    if (job.second) q.set('second', String(Math.round(job.second)));
    if (job.cover) {
      const cq = new URLSearchParams({
        sdkappid: String(this.SDKAppID), identifier: sess.userID, usersig: sess.userSig, type: 'image', name: 'cover',
      });
      const answer = await postFile(`${httpBase(this.server)}/media/upload?${cq}`, {file: job.cover});
      if (answer.ErrorCode) throw new ChatError(Number(answer.ErrorCode), String(answer.ErrorInfo || ''));
      q.set('cover', String(answer.UUID));
      if (job.cancelled) throw new ChatError(ERROR_CODE.UPLOAD_CANCELLED, 'upload cancelled');
    }
    if (job.cancelled) throw new ChatError(ERROR_CODE.UPLOAD_CANCELLED, 'upload cancelled');
    const answer = await postFile(`${httpBase(this.server)}/media/upload?${q}`, job);
    if (answer.ErrorCode) throw new ChatError(Number(answer.ErrorCode), String(answer.ErrorInfo || ''));
    message.MsgBody = answer.MsgBody;
    message.payload = answer.payload;
    pendingUploads.delete(message);
    if (job.onProgress) job.onProgress(1);
  }

  /**
   * Stop the upload of a media message being sent (Palaver's own call; Tencent's SDK
   * has none): its `sendMessage` rejects with 2802 and nothing is stored or sent
   * (as does a later `resendMessage`). Returns false when the message has no upload
   * left (not a file, already uploaded, or cancelled before).
   * @param {Message} message
   * @returns {boolean}
   */
  cancelUploading(message) {
    const job = pendingUploads.get(message);
    if (!job || job.cancelled) return false;
    job.cancelled = true; // for good: a resend fails with 2802 too
    if (job.abort) job.abort();
    return true;
  }

  /**
   * @protected
   * @param {string} type a `TYPES.MSG_*` element type
   * @param {unknown} options `{to, conversationType, cloudCustomData?, needReadReceipt?, priority?, isSupportExtension?}`
   * @param {Record<string, any>} payload
   * @returns {Message}
   */
  _create(type, options, payload) {
    if (!isObject(options)) throw invalid('expected {to, conversationType, payload}');
    const {to, conversationType = TYPES.CONV_C2C, cloudCustomData, needReadReceipt, priority, isSupportExtension} = options;
    if (typeof to !== 'string' || !to) throw invalid("'to' must be a userID (C2C) or a groupID (GROUP)");
    if (conversationType !== TYPES.CONV_C2C && conversationType !== TYPES.CONV_GROUP) {
      throw invalid(`bad conversationType ${conversationType}`);
    }
    if (cloudCustomData !== undefined && typeof cloudCustomData !== 'string') {
      throw invalid('cloudCustomData must be a string');
    }
    const element = payloadToElement(type, payload);
    const random = uint32();
    const now = nowSeconds();
    const from = this._sess && !this._sess.ended ? this._sess.userID : '';
    return new Message({
      ID: `${from}-${now}-${random}`,
      type,
      payload: {...payload},
      conversationID: conversationType + to,
      conversationType,
      to,
      from,
      flow: 'out',
      time: now,
      clientTime: now,
      random,
      status: 'unSend',
      isRead: true,
      priority: priority || TYPES.MSG_PRIORITY_NORMAL,
      cloudCustomData: cloudCustomData || '',
      needReadReceipt: Boolean(needReadReceipt), isSupportExtension: Boolean(isSupportExtension),
      MsgBody: [element],
    });
  }

  /**
   * An unsent text message. Throws ChatError 6017 on bad options.
   * @param {MessageOptions<TextPayload>} options
   * @returns {Message}
   */
  createTextMessage(options) {
    const payload = isObject(options) ? options.payload : null;
    if (!isObject(payload) || typeof payload.text !== 'string') throw invalid('payload.text must be a string');
    return this._create(TYPES.MSG_TEXT, options, {text: payload.text});
  }

  /**
   * An unsent group text message mentioning members (`@`): payload `{text,
   * atUserList}` with userIDs, or `TYPES.MSG_AT_ALL` for everyone. The
   * mentioned members' conversations get a `groupAtInfoList` entry; a C2C
   * message carries just the text.
   * @param {MessageOptions<TextAtPayload>} options
   * @returns {Message}
   */
  createTextAtMessage(options) {
    const msg = this.createTextMessage(options);
    const list = options.payload.atUserList;
    if (list !== undefined && !Array.isArray(list)) throw invalid('payload.atUserList must be an array');
    msg.atUserList = list ? list.map(String) : [];
    return msg;
  }

  /**
   * An unsent face (emoji) message: payload `{index: number, data: string}`.
   * @param {MessageOptions<FacePayload>} options
   * @returns {Message}
   */
  createFaceMessage(options) {
    const payload = isObject(options) ? options.payload : null;
    if (!isObject(payload)) throw invalid('payload must be {index, data}');
    return this._create(TYPES.MSG_FACE, options, payload);
  }

  /**
   * An unsent location: payload `{description: string, longitude: number, latitude: number}`.
   * @param {MessageOptions<LocationPayload>} options
   * @returns {Message}
   */
  createLocationMessage(options) {
    const payload = isObject(options) ? options.payload : null;
    if (!isObject(payload)) throw invalid('payload must be {description, longitude, latitude}');
    return this._create(TYPES.MSG_LOCATION, options, payload);
  }

  /**
   * An unsent custom message: payload `{data: string, description?: string, extension?: string}`.
   * @param {MessageOptions<CustomPayload>} options
   * @returns {Message}
   */
  createCustomMessage(options) {
    const payload = isObject(options) ? options.payload : null;
    if (!isObject(payload)) throw invalid('payload must be {data, description, extension}');
    return this._create(TYPES.MSG_CUSTOM, options, payload);
  }

  /**
   * An unsent image message. payload `{file}` (a `File`/`Blob` or an `<input
   * type=file>`, uploaded by `sendMessage`, which fills in Tencent's three sizes;
   * `options.onProgress(percent)` sees 0..1 as it goes), or by URL: Tencent's
   * received shape `{uuid, imageFormat, imageInfoArray: [{type, size, width,
   * height, url}]}`, or the short form `{url, width?, height?, size?, imageFormat?}`.
   * @param {MessageOptions<ImagePayload>} options
   * @returns {Message}
   */
  createImageMessage(options) {
    const file = fileOf(options);
    if (file) return this._createUpload(TYPES.MSG_IMAGE, /** @type {any} */ (options), file);
    let payload = isObject(options) ? options.payload : null;
    if (!isObject(payload)) throw invalid('payload must be {url, ...} or {imageInfoArray, ...}');
    if (!('imageInfoArray' in payload) && typeof payload.url === 'string') {
      const info = {type: 1, url: payload.url};
      for (const k of ['size', 'width', 'height']) if (k in payload) info[k] = payload[k];
      payload = {uuid: payload.uuid || '', imageFormat: payload.imageFormat ?? 255, imageInfoArray: [info]};
    }
    return this._create(TYPES.MSG_IMAGE, options, payload);
  }

  /**
   * An unsent file message: payload `{file, fileName?}` (uploaded by `sendMessage`,
   * `onProgress` as for images), or by URL `{fileUrl (or url), fileName, fileSize, uuid?}`.
   * @param {MessageOptions<FilePayload>} options
   * @returns {Message}
   */
  createFileMessage(options) {
    const file = fileOf(options);
    if (file) return this._createUpload(TYPES.MSG_FILE, /** @type {any} */ (options), file);
    return this._create(TYPES.MSG_FILE, options, renameUrl(options, 'fileUrl'));
  }

  /**
   * An unsent audio message: payload `{file, second?}` (e.g. a MediaRecorder `Blob`,
   * uploaded by `sendMessage`; the server reads the duration from the file where the
   * container says it, else takes `second`), or by URL `{url, second, size, uuid?}`.
   * @param {MessageOptions<AudioPayload>} options
   * @returns {Message}
   */
  createAudioMessage(options) {
    const file = fileOf(options);
    if (file) return this._createUpload(TYPES.MSG_AUDIO, /** @type {any} */ (options), file);
    const payload = isObject(options) ? options.payload : null;
    if (!isObject(payload)) throw invalid('payload must be {url, second, size}');
    return this._create(TYPES.MSG_AUDIO, options, payload);
  }

  /**
   * An unsent video message: payload `{file, cover?}` (MP4, MOV or WebM, uploaded by
   * `sendMessage`; `cover`: an image `File`/`Blob`, uploaded first, for the `thumb*`
   * fields), or by URL: payload `{videoUrl (or url), videoSecond,
   * videoSize, videoFormat, thumbUrl, thumbWidth, thumbHeight, ...}`.
   * @param {MessageOptions<VideoPayload>} options
   * @returns {Message}
   */
  createVideoMessage(options) {
    const file = fileOf(options);
    if (file) return this._createUpload(TYPES.MSG_VIDEO, /** @type {any} */ (options), file);
    return this._create(TYPES.MSG_VIDEO, options, renameUrl(options, 'videoUrl'));
  }

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
  async sendMessage(message, options = {}) {
    const sess = this._requireSession();
    if (!(message instanceof Message)) throw invalid('sendMessage expects a Message made by create*Message');
    if (message.status === 'success') throw invalid('this message was sent already');
    if (pendingUploads.has(message)) {
      try {
        await this._upload(sess, message);
      } catch (err) {
        message.status = 'fail';
        throw err;
      }
    }
    const onlineOnly = Boolean(options && options.onlineUserOnly);
    const data = {
      to: message.to,
      conversationType: message.conversationType,
      type: message.type,
      payload: message.payload,
      random: message.random,
      onlineUserOnly: onlineOnly,
      needReadReceipt: message.needReadReceipt, ...(message.isSupportExtension ? {isSupportExtension: true} : {}),
    };
    if (message.MsgBody.length > 1 || message._forward) data.MsgBody = message.MsgBody;
    if (message.cloudCustomData) data.cloudCustomData = message.cloudCustomData;
    if (options && options.offlinePushInfo) data.offlinePushInfo = pushInfoToWire(options.offlinePushInfo);
    if (message.conversationType === TYPES.CONV_GROUP) {
      if (message.atUserList.length) data.atUserList = message.atUserList;
      if (message.priority && message.priority !== TYPES.MSG_PRIORITY_NORMAL) data.priority = message.priority;
    }
    if (!message.from) message.from = sess.userID;
    sess.ownSends.add(message.random);
    message.status = 'unSend';
    let answer;
    try {
      answer = await this._sessionRequest(sess, 'sendMessage', data);
    } catch (err) {
      message.status = 'fail';
      // A lost answer may hide a stored message: its echo stays suppressed
      // until a resend (same random) gets the stored copy.
      if (err.code !== ERROR_CODE.NETWORK && err.code !== ERROR_CODE.REQUEST_TIMEOUT) {
        sess.ownSends.delete(message.random);
      }
      throw err;
    }
    const type = message.type;
    const payload = message.payload;
    message._update(answer.message);
    if (!answer.message || !answer.message.type) {
      message.type = type; // online-only answers carry MsgBody only
      message.payload = payload;
    }
    message.status = 'success';
    message.flow = 'out';
    message.isRead = true;
    message.onlineOnly = onlineOnly;
    sess.ownSends.delete(message.random);
    if (message.ID) sess.remember(message.ID); // a later echo is dropped by its ID
    if (!onlineOnly) {
      sess.list.keep(message);
      this._runLocal(sess, () => this._drive(sess, sess.list.sent(message))).catch(() => {});
    }
    return {code: 0, data: {message}};
  }

  /**
   * Send again a message whose send failed (same `random`: if the first
   * attempt was stored, the server answers that copy). Rejects 6017 if it was
   * sent successfully, otherwise as {@link PalaverChat#sendMessage}.
   * @param {Message} message
   * @returns {Promise<ChatResponse<{message: Message}>>}
   */
  async resendMessage(message) {
    if (message instanceof Message && message.status === 'success') throw invalid('this message was sent already');
    return this.sendMessage(message, {onlineUserOnly: message && message.onlineOnly});
  }

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
  async revokeMessage(message) {
    const sess = this._requireSession();
    if (!isObject(message) || !message.ID || message.status !== 'success') {
      throw invalid('revokeMessage expects a sent Message');
    }
    sess.list.ownRevokes.add(message.ID);
    let d;
    try {
      d = await this._sessionRequest(sess, 'revokeMessage', {conversationID: message.conversationID, ID: message.ID});
    } catch (err) {
      sess.list.ownRevokes.delete(message.ID);
      throw err;
    }
    // a plain copy (say a conversation's lastMessage) stands for the object the SDK keeps
    const target = message instanceof Message ? message : sess.list.internWire(message);
    target._update(d.message);
    target.isRevoked = true;
    target.revoker = sess.userID;
    target.revokerInfo = {userID: sess.userID, nick: '', avatar: ''};
    const kept = sess.list.keep(target);
    this._runLocal(sess, () => this._drive(sess, sess.list.revokedLocally(kept))).catch(() => {});
    return {code: 0, data: {message: target}};
  }
}
