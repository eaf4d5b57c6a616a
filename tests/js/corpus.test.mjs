// The protocol corpus (tests/corpus/*.json) replayed with `node --test` against the
// JavaScript SDK's sans-I/O core: ClientSession (src/protocol.js: cursors, duplicates)
// and ConversationList (src/conversation-list.js). tests/unit/test_corpus.py replays the same
// files against the Python SDK's twins; its docstring describes the format. No server,
// no socket, no clock.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

import {ConversationList} from '../../src/palaver/static/sdk/src/conversation-list.js';
import {ChatError} from '../../src/palaver/static/sdk/src/errors.js';
import {Message} from '../../src/palaver/static/sdk/src/message.js';
import {ClientSession} from '../../src/palaver/static/sdk/src/protocol.js';

const CORPUS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'corpus');

/** Event data and state as plain JSON (arrays that carry properties become objects). */
function plain(name, data) {
  const out = data === undefined ? null : JSON.parse(JSON.stringify(data));
  if (name === 'onMessageReadByPeer') {
    return {messageList: out, conversationID: data.conversationID, userID: data.userID,
      readSequence: data.readSequence, time: data.time};
  }
  return out;
}

/** Assert `actual` matches `pattern`: listed keys of objects, lists item by item. */
function match(actual, pattern, where) {
  if (Array.isArray(pattern)) {
    assert.ok(Array.isArray(actual), `${where}: expected a list, got ${JSON.stringify(actual)}`);
    assert.equal(actual.length, pattern.length, `${where}: ${JSON.stringify(actual)}`);
    pattern.forEach((p, i) => match(actual[i], p, `${where}[${i}]`));
  } else if (pattern !== null && typeof pattern === 'object') {
    assert.ok(actual !== null && typeof actual === 'object' && !Array.isArray(actual),
      `${where}: expected an object, got ${JSON.stringify(actual)}`);
    for (const [key, want] of Object.entries(pattern)) {
      assert.ok(key in actual, `${where}: no ${key} in ${JSON.stringify(actual)}`);
      match(actual[key], want, `${where}.${key}`);
    }
  } else {
    assert.deepEqual(actual, pattern, `${where}`);
  }
}

class Replay {
  constructor(user, liveRooms) {
    this.user = user;
    this.session = new ClientSession(user, '');
    this.session.loggedIn({cursor: 0});
    for (const room of liveRooms) this.session.avRooms.add(room);
    this.list = new ConversationList(user, this.session.avRooms);
    this.calls = [];
    this.events = [];
  }

  /** Drive a step: record its events, answer its calls from the script. */
  run(step) {
    let reply;
    let error = null;
    for (;;) {
      const r = error === null ? step.next(reply) : step.throw(error);
      if (r.done) return r.value;
      reply = undefined;
      error = null;
      const effect = r.value;
      if ('emit' in effect) {
        this.events.push([effect.emit, plain(effect.emit, effect.data)]);
      } else if ('call' in effect) {
        assert.ok(this.calls.length, `unexpected request ${effect.call} ${JSON.stringify(effect.data)}`);
        const script = this.calls.shift();
        assert.equal(effect.call, script.op, `request ${effect.call}, expected ${script.op}`);
        if ('data' in script) match(effect.data, script.data, effect.call);
        if ('error' in script) error = new ChatError(script.error);
        else reply = script.answer ?? {};
      }
    }
  }

  /** Server frames through the protocol session, then the conversation list. */
  frames(frames) {
    const accepted = frames.map((f) => ClientSession.push(f)).filter((p) => this.session.accept(p));
    for (let i = 0; i < accepted.length; i += 1) {
      const push = accepted[i];
      if (push.ev === 'MESSAGE_RECEIVED') {
        const batch = [push];
        while (i + 1 < accepted.length && accepted[i + 1].ev === 'MESSAGE_RECEIVED') batch.push(accepted[++i]);
        this.run(this.list.received(batch.map((p) => p.data.message)));
        continue;
      }
      const d = push.data;
      const list = this.list;
      const steps = {
        MESSAGE_REVOKED: () => list.revoked(d),
        MESSAGE_MODIFIED: () => list.modified(d),
        MESSAGE_READ_BY_PEER: () => list.readByPeer(d),
        CONVERSATION_READ: () => list.conversationRead(String(d.conversationID || ''), Number(d.readSequence) || 0),
        CONVERSATION_CHANGED: () => list.refresh(),
        PROFILE_UPDATED: () => list.profileUpdated(d),
        MESSAGE_READ_RECEIPT_RECEIVED: () => list.readReceipt(d),
      };
      assert.ok(push.ev in steps, `the corpus has no use for ${push.ev} yet`);
      this.run(steps[push.ev]());
    }
  }

  /** What the app does on this device (the SDK method's local part). */
  do(step) {
    const list = this.list;
    switch (step.do) {
      case 'login':
        this.run(list.refresh(false));
        this.run(list.emitChanges(true));
        break;
      case 'getConversationList':
        this.run(list.refresh());
        break;
      case 'sendMessage': { // the server's answer, as sendMessage applies it
        const message = new Message()._update(step.message);
        Object.assign(message, {status: 'success', flow: 'out', isRead: true});
        list.keep(message);
        this.run(list.sent(message));
        break;
      }
      case 'setMessageRead':
        this.run(list.readLocally(step.conversationID));
        break;
      case 'sendMessageReadReceipt':
        this.run(list.readUpTo(step.conversationID, step.upTo));
        break;
      case 'revokeMessage': {
        list.ownRevokes.add(step.ID);
        const kept = list.messages.get(step.ID);
        Object.assign(kept, {isRevoked: true, revoker: this.user});
        this.run(list.revokedLocally(kept));
        break;
      }
      case 'getMessageList':
        for (const wire of step.page) list.internWire(wire);
        break;
      default:
        assert.fail(`unknown step ${step.do}`);
    }
  }
}

const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.json')).sort();
for (const file of files) {
  // a Python-only case is replayed by tests/unit/test_corpus.py alone
  for (const c of JSON.parse(fs.readFileSync(path.join(CORPUS, file), 'utf8')).cases.filter((x) => x.only !== 'python')) {
    const name = `${path.basename(file, '.json')}/${c.name}`;
    test(name, () => {
      const replay = new Replay(c.user, c.liveRooms || []);
      c.steps.forEach((step, n) => {
        const where = `step ${n}`;
        replay.calls = [...(step.calls || [])];
        replay.events = [];
        if (step.frames) replay.frames(step.frames);
        else replay.do(step);
        assert.deepEqual(replay.calls, [], `${where}: requests not made`);
        const expected = step.events || [];
        assert.deepEqual(replay.events.map((e) => e[0]), expected.map((e) => e[0]), `${where}: events`);
        expected.forEach((want, i) => {
          if (want.length > 1) match(replay.events[i][1], want[1], `${where} ${want[0]}`);
        });
        if (step.conversations) match(replay.list.views(), step.conversations, `${where} list`);
        for (const [id, want] of Object.entries(step.messages || {})) {
          const kept = replay.list.messages.get(id);
          assert.ok(kept, `${where}: message ${id} is not kept`);
          match(plain('', kept), want, `${where} message ${id}`);
        }
        if ('cursor' in step) assert.equal(replay.session.cursor, step.cursor, `${where}: cursor`);
      });
    });
  }
}
