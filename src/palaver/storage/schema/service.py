"""Tables of the server's own machinery: shared counters, uploaded media, the callback
outbox, per-app sensitive words.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from palaver.storage.schema.base import USER_ID, BigIntPK, metadata

# Named counters shared by every node, advanced in blocks inside a transaction
# (``messages.id`` is assigned from "message_id" by the group-commit writer, and
# ``callback_outbox.id`` too: message ids may have gaps).
counters = Table(
    "counters",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", BigInteger, nullable=False),
)


#: Uploaded media (images, files, voice, video): one row per upload, named by an
#: unguessable ``media_id``; the bytes live once per content hash (``blob``, the
#: SHA-256 in hex) in the file store (:mod:`palaver.storage.files`). ``variants``:
#: JSON ``{"large"|"thumb": {"blob", "size", "width", "height"}}`` (images).
media = Table(
    "media",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("media_id", String(32), primary_key=True),
    Column("owner", String(USER_ID), nullable=False),
    Column("kind", String(8), nullable=False),  # image | file | sound | video
    Column("blob", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),  # bytes
    Column("content_type", String(128), nullable=False),  # sniffed from the bytes
    Column("file_name", String(255), nullable=False, default=""),
    Column("width", Integer, nullable=False, default=0),  # px
    Column("height", Integer, nullable=False, default=0),  # px
    Column("duration", Integer, nullable=False, default=0),  # seconds
    Column("variants", Text, nullable=False, default="{}"),
    Column("created_at", BigInteger, nullable=False),
    Index(None, "blob"),
    Index(None, "app_id", "owner"),
)


# The durable outbox of callbacks to the app backend (third-party callbacks).
# A row is written in the transaction of the event it reports (a message's row
# in the group-commit writer's transaction), then delivered by the callback
# worker: in ``id`` order per ``order_key`` (a conversation), retried with
# backoff, ``dead`` after the app's most attempts. Times in unix milliseconds.
# Ids come from the "message_id" counter (storage.callback_packs.reserve), never
# from the table: a message's callback has its message's id. A *packed* row
# (``items`` > 0: the after-send callbacks of one writer batch's messages of one
# conversation, ``payload`` a JSON list) has its first message's id and owns the
# ids of its messages, which its callbacks take when it is unpacked into plain
# rows (a failure, an edit), so their order is kept.
callback_outbox = Table(
    "callback_outbox",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("app_id", BigInteger, nullable=False),
    Column("command", String(64), nullable=False),  # CallbackCommand
    Column("order_key", String(200), nullable=False),  # deliveries of a key keep their order
    Column("payload", Text, nullable=False),  # JSON object: the body, less the message's ids
    # the message the callback reports (set by the writer in the same transaction)
    Column("msg_id", BigInteger, nullable=True),
    Column("msg_seq", BigInteger, nullable=True),
    Column("msg_key", String(64), nullable=True),
    Column("msg_time", BigInteger, nullable=True),
    Column("client_ip", String(64), nullable=False, default=""),
    Column("platform", String(16), nullable=False, default=""),  # OptPlatform
    Column("created_ms", BigInteger, nullable=False),
    Column("status", String(16), nullable=False, default="pending"),  # pending|delivered|dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_ms", BigInteger, nullable=False, default=0),  # not before (retry backoff)
    Column("lease_ms", BigInteger, nullable=False, default=0),  # claimed by a worker until
    Column("done_ms", BigInteger, nullable=False, default=0),  # delivered or dead at
    Column("latency_ms", Integer, nullable=False, default=0),  # of the last attempt
    Column("http_status", Integer, nullable=False, default=0),  # of the last attempt
    Column("last_error", Text, nullable=True),
    # a packed row's callbacks (0: a plain row)
    Column("items", Integer, nullable=False, default=0, server_default="0"),
    Column("msg_last", BigInteger, nullable=True),  # a packed row's last message id
    Index(None, "status", "id"),
    Index(None, "app_id", "created_ms"),
)


# Per-app sensitive words (Tencent REST ``openim_dirty_words``): ``word`` is kept
# normalised (NFKC, case-folded, separators removed; see services.moderation);
# ``mode`` is ``block`` (the sender gets 80001) or ``replace`` (stars).
dirty_words = Table(
    "dirty_words",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("word", String(200), primary_key=True),
    Column("mode", String(16), nullable=False, default="block"),
    Column("created_at", BigInteger, nullable=False),
)
