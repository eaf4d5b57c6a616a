"""Tencent IM REST `sns` commands."""
