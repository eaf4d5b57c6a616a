"""Tencent's client protocol (``@tencentcloud/chat`` over WebSocket), sans-I/O.

What the official web SDK sends and expects, as observed with SDK 3.6.6
(docs/tencent-client-protocol.md): frames, the objects inside them (messages,
conversations, profiles, tips) and the pushes, built from Palaver's own pushes
(:class:`TencentCodec`). The server endpoint (:mod:`palaver.api.tencent`) does
the I/O.

- :mod:`~palaver.protocol.tencent.frames` - the frame envelope, answers and errors.
- :mod:`~palaver.protocol.tencent.ids` - TinyIds, A2 keys and sync cookies.
- :mod:`~palaver.protocol.tencent.objects` - messages, tips, profiles in wire names.
- :mod:`~palaver.protocol.tencent.pushes` - Palaver push → Tencent push (the codec).
"""
