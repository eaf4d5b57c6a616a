"""Tencent IM REST `openim` commands."""
