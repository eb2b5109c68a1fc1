"""Roles of a tenant's users, from least to most privileged; each may do what the ones before it may.

| role   | may                                                                                   |
|--------|---------------------------------------------------------------------------------------|
| viewer | read: robots, knowledge, materials, conversations, ratings, settings                  |
| agent  | + converse: welcome, ask, menu clicks, transfer receipts, ratings, comments, feedback |
| editor | + change knowledge: rules, categories, imports, materials, robot settings, rating tags |
| admin  | + run the tenant: robots, single sign-on, webhooks, channels, API keys                 |

`viewer` is the least-privilege default (an SSO user whose role the tenant does not take from the token).
"""

from __future__ import annotations

ROLES = ("viewer", "agent", "editor", "admin")
_RANK = {role: rank for rank, role in enumerate(ROLES)}
LEAST_PRIVILEGE = "viewer"


def allows(role: str, needed: str) -> bool:
    """Whether a user of `role` may do what needs `needed`; an unknown role may do nothing."""
    return role in _RANK and _RANK[role] >= _RANK[needed]


def check_role(role: str) -> str:
    """The role if it is one of ROLES; a ValueError naming them otherwise."""
    if role not in _RANK:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    return role
