"""Records every layer shares: messages and stream events.

No I/O and no imports from the rest of Palaver (except :mod:`palaver.errors`):
storage builds these records, services decide with them, the real-time layer
carries them and :mod:`palaver.protocol` turns them into wire shapes.
"""
