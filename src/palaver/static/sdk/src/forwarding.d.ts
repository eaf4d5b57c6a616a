/** Tencent's SDK codes of `downloadMergerMessage`. */
export const MERGER_TYPE_INVALID: 2450;
export const MERGER_KEY_INVALID: 2451;
export class ForwardingAPI extends MessageExtrasAPI {
    /**
     * An unsent merged message (`TIMRelayElem`) of `payload.messageList` (1..300
     * sent messages) for `to`; send it with sendMessage, which keeps the messages
     * on the server first when they are too large to go inline. Throws ChatError
     * 6017 on bad options.
     * @param {{to: string, conversationType?: string, cloudCustomData?: string,
     *   payload: {messageList: Message[], title: string, abstractList?: string[], compatibleText?: string}}} options
     * @returns {Message}
     */
    createMergerMessage(options: {
        to: string;
        conversationType?: string;
        cloudCustomData?: string;
        payload: {
            messageList: Message[];
            title: string;
            abstractList?: string[];
            compatibleText?: string;
        };
    }): Message;
    /**
     * The messages of a merged message (REST shape: `From_Account`,
     * `MsgTimeStamp`, `MsgBody`...) as `{code: 0, data: {messageList}}`: inline
     * ones as they are, kept ones fetched from the server. Rejects 2450 not a
     * merged message, 2451 neither messages nor a key, 20026 no list with its key.
     * @param {Message} message
     * @returns {Promise<ChatResponse<{messageList: Record<string, any>[]}>>}
     */
    downloadMergerMessage(message: Message): Promise<ChatResponse<{
        messageList: Record<string, any>[];
    }>>;
    /**
     * My app-wide do-not-disturb (Tencent's `setAllReceiveMessageOpt`): from
     * `startHour:startMinute:startSecond` today (this device's time) for
     * `duration` seconds, every day unless `isRepeated` is false (24 h or more:
     * all day). Inside the window my messages still arrive but get no offline
     * push. `messageRemindType` (`allReceiveMessageOpt` also taken):
     * `AcceptNotNotify` (default) or `Discard`; `AcceptAndNotify` turns it off.
     * Rejects 6017 on bad options.
     * @param {{messageRemindType?: string, allReceiveMessageOpt?: string, startHour?: number,
     *   startMinute?: number, startSecond?: number, duration?: number, isRepeated?: boolean}} options
     * @returns {Promise<ChatResponse<{}>>}
     */
    setAllReceiveMessageOpt(options: {
        messageRemindType?: string;
        allReceiveMessageOpt?: string;
        startHour?: number;
        startMinute?: number;
        startSecond?: number;
        duration?: number;
        isRepeated?: boolean;
    }): Promise<ChatResponse<{}>>;
    /**
     * My app-wide do-not-disturb: `{messageRemindType, startTime, endTime,
     * isRepeated}` (times in unix seconds).
     * @returns {Promise<ChatResponse<{messageRemindType: string, startTime: number, endTime: number, isRepeated: boolean}>>}
     */
    getAllReceiveMessageOpt(): Promise<ChatResponse<{
        messageRemindType: string;
        startTime: number;
        endTime: number;
        isRepeated: boolean;
    }>>;
}
export type ChatResponse<T> = import("./types.js").ChatResponse<T>;
import { MessageExtrasAPI } from './message-extras.js';
import { Message } from './message.js';
