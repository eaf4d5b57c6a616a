"""Real-time delivery: fan-out between nodes, the connection registry, and the
notifier that turns stored changes into pre-encoded protocol frames.

- :mod:`palaver.realtime.fanout` - the fan-out interface and its in-process backend.
- :mod:`palaver.realtime.connection` - one client connection: bounded send queue,
  gapless stream delivery, heartbeat bookkeeping.
- :mod:`palaver.realtime.writes` - a loop iteration's frames, one socket write per connection.
- :mod:`palaver.realtime.registry` - every connection of this node, by user.
- :mod:`palaver.realtime.notifier` - services call it after a commit; it encodes
  each frame once and publishes it.
"""
