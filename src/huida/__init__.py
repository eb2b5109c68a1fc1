"""Huida (回答): a self-hosted customer-service robot server."""

__version__ = "0.1.0"
