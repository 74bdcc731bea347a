"""Model stage: facts read off one activity or retention rule, which the rules and the
notices both use: whom an activity shares data with, whether it relies on consent and
how consent is withdrawn, which policy a retention rule points to, and what the data map
marks illustrative."""

from __future__ import annotations

from noticegen.model.resolve import Entry


def retention_policy(rule: Entry, organisation) -> dict | None:
    """The policy a retention rule points readers to: its own ``policy``; none when it
    says ``policy: false``; else, for a rule that gives criteria instead of a period, the
    organisation's ``retention_policy``."""
    own = rule.get("policy")
    if own is False:
        return None
    if own:
        return own
    return (organisation.get("retention_policy") or None) if rule.get("criteria") else None


def marked(activity: Entry, field: str) -> bool:
    """Whether ``field`` of ``activity`` is marked illustrative: the whole activity
    (``illustrative: true``), the field by name (``illustrative: [systems, ...]``), or the
    field's own mapping (``breach: {occurred: false, illustrative: true}``)."""
    mark = activity.get("illustrative")
    if mark is True or (isinstance(mark, list) and field in mark):
        return True
    value = activity.get(field)
    return isinstance(value, dict) and value.get("illustrative") is True


def system_processors(activity: Entry) -> list[dict]:
    """The systems of ``activity`` that a supplier runs for the organisation (a processor)."""
    return [s for s in activity.get("systems", []) if isinstance(s, dict) and s.get("processor")]


def shares_of(activity: Entry) -> list[dict]:
    """Whom ``activity`` shares data with: its recipients, and the suppliers that run its
    systems (processors, Art 28), each once, as the notice lists them (Art 13(1)(e))."""
    shares = list(activity.get("recipients", []))
    named = {s["recipient"] for s in shares}
    for system in system_processors(activity):
        if system["processor"] not in named:
            named.add(system["processor"])
            shares.append({"recipient": system["processor"],
                           "illustrative": bool(system.get("illustrative")) or marked(activity, "systems")})
    return shares


BASIS_RIGHTS = ("erasure", "portability")
"""Rights that only some of an activity's Art 6 bases may give, scoped to the part of the
activity those bases cover (the right to object states its grounds instead)."""


CONSENT_BASES = ("art6-1-a", "art9-2-a")
"""Consent (Art 6(1)(a)) and explicit consent (Art 9(2)(a)): each can be withdrawn."""


def consent_withdrawal(ctx_organisation: Entry | None, activity: Entry,
                       language: str | None = None) -> str | None:
    """How the notice tells people to withdraw consent for ``activity``: the activity's
    own words, else the address that takes rights requests, else the DPO's email."""
    consent = activity["lawful_basis"].get("consent") or {}
    if consent.get("withdraw"):
        return consent["withdraw"]
    organisation = ctx_organisation.data if ctx_organisation else {}
    email = (organisation.get("requests") or {}).get("email") or (organisation.get("dpo") or {}).get("email")
    if not email:
        return None
    from noticegen.text.i18n import gettext_for

    _ = gettext_for(language)
    return _("by emailing [%(email)s](mailto:%(email)s)") % {"email": email}


def relies_on_consent(activity: Entry) -> bool:
    basis = activity["lawful_basis"]
    return any(b in CONSENT_BASES for b in basis["article_6"] + basis.get("article_9", []))
