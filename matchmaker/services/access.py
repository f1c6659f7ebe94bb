"""Who is calling and what they may see: API keys, roles and tenants.

Roles: admin (everything); organiser (the events it created); buyer (its own sourcing requests and
their results, public supplier profiles); sme (its own profile, gap reports and agendas). A buyer's
or an SME's tenant is its enterprise id; an organiser's is its organisation's id.

A key reads ``mmk_<id>_<secret>``; only the SHA-256 of the secret is stored (the secret is 256 random
bits, so a slow password hash would add nothing). Revoked keys stop working at once.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from graph_schema.model import ROLES

from . import now_iso
from ..errors import Forbidden, InvalidInput, NotFound
from ..repositories.keys import KeyRepository

# The kinds of enterprise a key of a role may act for (an organiser's tenant is its own organisation's id).
TENANT_KINDS = {"buyer": ("large", "fdi"), "sme": ("sme",)}
_KIND_WORDS = {"large": "a large", "fdi": "an FDI", "sme": "an SME"}
_TOKEN = re.compile(r"^mmk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class Principal:
    key_id: str
    role: str
    tenant: str | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class KeyService:
    def __init__(self, graph):
        self.keys = KeyRepository(graph)

    def issue(self, role: str, tenant: str | None, label: str | None = None) -> tuple[dict, str]:
        """A new key: (its record, the key itself, shown this once)."""
        if role not in ROLES:
            raise InvalidInput(f"unknown role {role!r}", {"role": [f"one of {', '.join(ROLES)}"]})
        if role != "admin" and not tenant:
            raise InvalidInput(f"a {role} key needs a tenant", {"tenant": ["the enterprise or organisation id"]})
        if role in TENANT_KINDS:
            kind = self.keys.enterprise_kind(tenant)
            if kind not in TENANT_KINDS[role]:
                found = f"is {_KIND_WORDS.get(kind, kind)} enterprise" if kind else "is no enterprise"
                wanted = " or ".join(_KIND_WORDS[k] for k in TENANT_KINDS[role])
                raise InvalidInput(f"a {role} key acts for {wanted} enterprise; '{tenant}' {found}",
                                   {"tenant": [f"'{tenant}' {found}"]})
        key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
        record = {"id": key_id, "hash": _digest(secret), "role": role,
                  "tenant": tenant if role != "admin" else None, "label": label, "created_at": now_iso()}
        self.keys.create(record)
        del record["hash"]
        return record, f"mmk_{key_id}_{secret}"

    def list(self) -> list[dict]:
        return self.keys.list()

    def revoke(self, key_id: str) -> None:
        if not self.keys.revoke(key_id, now_iso()):
            raise NotFound(f"no API key {key_id}")

    def authenticate(self, token: str) -> Principal | None:
        """The principal of a valid, unrevoked key; None otherwise."""
        match = _TOKEN.match(token or "")
        if not match:
            return None
        return self._check(match.group(1), _digest(match.group(2)))

    def session_proof(self, token: str) -> tuple[Principal, str] | None:
        """For a page session: the principal and what the session keeps instead of the key itself
        (the key's stored digest, which cannot be turned back into a key for the API)."""
        principal = self.authenticate(token)
        return None if principal is None else (principal, _digest(_TOKEN.match(token).group(2)))

    def resume(self, key_id: str, proof: str) -> Principal | None:
        """The principal of a page session, while its key is valid and unrevoked."""
        return self._check(key_id, proof) if isinstance(key_id, str) and isinstance(proof, str) else None

    def _check(self, key_id: str, digest: str) -> Principal | None:
        key = self.keys.find(key_id)
        if key is None or key.get("revoked_at") or not hmac.compare_digest(key["hash"], digest):
            return None
        return Principal(key["id"], key["role"], key.get("tenant"))


def require_role(principal: Principal, *roles: str) -> None:
    """Admins pass; others must hold one of ``roles``."""
    if principal.is_admin or principal.role in roles:
        return
    raise Forbidden(f"a {principal.role} key cannot do this", {"role": [f"needs {' or '.join(('admin',) + roles)}"]})


def require_tenant(principal: Principal, owners: str | list | set | None, *roles: str) -> None:
    """Admins pass; others must hold one of ``roles`` and be (one of) the owners."""
    require_role(principal, *roles)
    if principal.is_admin:
        return
    if principal.tenant not in _owned(owners):
        raise Forbidden("this belongs to another tenant", {"tenant": [f"{principal.tenant} is not its owner"]})


def require_owner(principal: Principal, owners: str | list | set | None, not_found: NotFound, *roles: str) -> None:
    """Like ``require_tenant`` for what is private to its owner (a sourcing request, an event, an outcome):
    another tenant gets ``not_found``, exactly the answer for an id that does not exist, so that ids
    cannot be probed. A caller of a role that may never see such things still gets 403."""
    require_role(principal, *roles)
    if not principal.is_admin and principal.tenant not in _owned(owners):
        raise not_found


def _owned(owners) -> set:
    return {owners} if isinstance(owners, str) or owners is None else set(owners)
