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

from graph_schema.model import BUYER_KINDS, ROLES

from . import now_iso
from ..errors import Forbidden, InvalidInput, NotFound
from ..repositories.keys import KeyRepository

# The kinds of enterprise a key of a role may act for (an organiser's tenant is its own organisation's id).
TENANT_KINDS = {"buyer": BUYER_KINDS, "sme": ("sme",)}
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


# -- the one access policy: what each role may do ----------------------------------------------------
_ALL = "all"          # any caller of the rule's roles
_TENANT = "tenant"    # only for what is the caller's own: another's is refused (403)
_PRIVATE = "private"  # only what is the caller's own: another's answers as unknown (404), so ids cannot be probed


@dataclass(frozen=True)
class Rule:
    roles: tuple[str, ...]       # who may, besides an admin
    scope: str = _ALL


# Every decision of the API, the pages and the services is one of these, in the users' words.
POLICY: dict[str, Rule] = {
    "manage enterprises": Rule(()),                              # create, delete, import, review duplicates
    "edit an enterprise profile": Rule(("buyer", "sme"), _TENANT),
    "list sourcing requests": Rule(("buyer",)),
    "list a buyer's sourcing requests": Rule(("buyer",), _TENANT),
    "post a sourcing request": Rule(("buyer",), _TENANT),
    "use a sourcing request": Rule(("buyer",), _PRIVATE),        # read, change, delete, rank
    "search suppliers": Rule(("buyer",)),
    "search suppliers for a buyer": Rule(("buyer",), _TENANT),   # also the buyer's shortlist
    "record an outcome": Rule(("buyer",), _TENANT),
    "see the model": Rule(("organiser", "buyer", "sme")),        # which version ranks, and how it was judged
    "manage the model": Rule(()),
    "see readiness": Rule(("sme",)),
    "see an SME's readiness": Rule(("sme",), _TENANT),
    "see the programme": Rule(()),
    "create an event": Rule(("organiser",)),
    "list events": Rule(("organiser",)),      # an organiser's own; an admin's, all
    "run an event": Rule(("organiser",), _PRIVATE),
    "take part in an event": Rule(("buyer", "sme"), _PRIVATE),   # agendas, requests, outcomes of one's own
}


def authorize(principal: Principal, action: str, owners: str | list | set | None = None,
              not_found: NotFound | None = None, field: str = "tenant") -> None:
    """Whether ``principal`` may do ``action`` (a key of POLICY), on what ``owners`` own: returns, or raises
    Forbidden (or ``not_found`` for what is private to another). ``field``: the input that named the owner,
    which a refusal names."""
    rule = POLICY[action]
    if not (principal.is_admin or principal.role in rule.roles):
        raise Forbidden(f"a {principal.role} key cannot {action}",
                        {"role": [f"needs {' or '.join(('admin',) + rule.roles)}"]})
    if principal.is_admin or rule.scope == _ALL:
        return
    if principal.tenant in _owned(owners):
        return
    if rule.scope == _PRIVATE:
        raise not_found or NotFound("no such resource")
    raise Forbidden("this belongs to another tenant",
                    {field: [f"your key acts for {principal.tenant}, which does not own this"]})


def may(principal: Principal, action: str) -> bool:
    """Whether ``principal``'s role may do ``action`` at all (what it owns is checked by ``authorize``)."""
    return principal.is_admin or principal.role in POLICY[action].roles


def acts_as(principal: Principal, action: str) -> bool:
    """Whether ``principal`` does ``action`` as one of the rule's own roles (for what it owns), not as an admin."""
    return not principal.is_admin and principal.role in POLICY[action].roles


def _owned(owners) -> set:
    return {owners} if isinstance(owners, str) or owners is None else set(owners)
