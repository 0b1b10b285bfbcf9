"""What the API reads and answers, as marshmallow schemas: flask-smorest validates requests
with them and writes the OpenAPI document from them.

Representations are built as dicts by `representations.py` (what a caller may see depends
on who calls); these schemas format them (times in ISO 8601, amounts in 万元 as decimal
strings) and describe them.
"""
from __future__ import annotations

from datetime import timezone

import marshmallow as ma
from marshmallow import fields, validate

from marketplace.challenges.models import TEXT_LIMITS, Comparator, IPTerms, NeedStatus
from marketplace.search.documents import BUDGET_BANDS
from marketplace.search.service import DEADLINE_FACETS, SORTS, STATUS_FACETS

from .models import TokenScope

MAX_LIMIT = 100
DECIMAL = {"type": "string", "format": "decimal", "pattern": r"^-?\d+(\.\d+)?$"}


def _text(description: str = "", **kwargs) -> fields.String:
    return fields.String(allow_none=True, metadata={"description": description}, **kwargs)


def _amount(description: str) -> fields.String:
    return fields.String(allow_none=True, metadata={**DECIMAL, "description": description})


class UTCDateTime(fields.DateTime):
    """Times are answered in UTC, ISO 8601 ("2030-06-30T09:00:00+00:00")."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None:
            value = value.astimezone(timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


# -- errors ---------------------------------------------------------------------------------
class ErrorSchema(ma.Schema):
    code = fields.String(required=True, metadata={
        "description": "Stable, for programs: not_found, token_required, invalid_token, "
                       "insufficient_scope, forbidden, validation_failed, not_editable, "
                       "changed_meanwhile, precondition_failed, invalid_cursor, rate_limited…"})
    message = fields.String(required=True, metadata={
        "description": "For people, in the language asked for by Accept-Language (zh or en)"})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), metadata={
        "description": "Refused fields → messages (nested fields by dotted path, e.g. "
                       "indicators.0.target)"})


# -- shared parts ---------------------------------------------------------------------------
class OrganisationSchema(ma.Schema):
    name = fields.String(required=True)
    name_en = _text()
    country = fields.String(required=True, metadata={"description": "ISO 3166-1 alpha-2"})
    verified = fields.Boolean(required=True)


class IndicatorSchema(ma.Schema):
    name = fields.String(required=True)
    name_en = _text()
    comparator = fields.String(required=True,
                               validate=validate.OneOf([c.value for c in Comparator]))
    target = fields.String(required=True, metadata={
        "description": "Exact decimal text, e.g. 650, 0.15, 1E+18"})
    unit = fields.String(required=True)


class ChainScoreSchema(ma.Schema):
    id = fields.String(required=True)
    score = fields.Float(required=True)


class AttachmentSchema(ma.Schema):
    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    size = fields.Integer(required=True)
    confidential = fields.Boolean(required=True)
    url = fields.String(required=True, metadata={"description": "Download (web, signed in)"})


class ContactSchema(ma.Schema):
    name = _text()
    email = _text()
    phone = _text()


# -- needs ----------------------------------------------------------------------------------
class NeedSummarySchema(ma.Schema):
    ref = fields.String(required=True, metadata={"description": "List number (榜单编号)"})
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in NeedStatus]))
    title_zh = _text()
    title_en = _text()
    summary_zh = _text()
    summary_en = _text()
    owner = fields.Nested(OrganisationSchema, required=True)
    budget_wan = _amount("Budget in 万元 (10,000 CNY)")
    deadline = UTCDateTime(allow_none=True)
    published_at = UTCDateTime(allow_none=True)
    chain = _text("Industrial chain: the confirmed one, else the best suggestion")
    url = fields.String(required=True, metadata={"description": "The need's web page"})


class NeedHitSchema(NeedSummarySchema):
    score = fields.Float(allow_none=True, metadata={
        "description": "Relevance to q (null when sorted by a field)"})
    partial = fields.Boolean(metadata={"description": "Has only some of the words of q"})


class NeedPageSchema(ma.Schema):
    items = fields.List(fields.Nested(NeedHitSchema), required=True)
    total = fields.Integer(required=True, metadata={
        "description": "Needs with every word of q (with some of them when none has all)"})
    partial_total = fields.Integer(metadata={
        "description": "Needs listed after `total` that have only some of the words"})
    suggestion = _text("“Did you mean”: a corrected query that finds more")
    next_cursor = _text("Pass as `cursor` for the next page; null on the last page")


class NeedSchema(NeedSummarySchema):
    description_zh = _text("Markdown")
    description_en = _text("Markdown")
    requirements = _text("Bidder requirements (Chinese, Markdown)")
    requirements_en = _text("Bidder requirements (English, Markdown)")
    indicators = fields.List(fields.Nested(IndicatorSchema), required=True)
    period_months = fields.Integer(allow_none=True)
    ip_terms = fields.String(required=True, validate=validate.OneOf([t.value for t in IPTerms]))
    terms_text = _text()
    terms_text_en = _text()
    contact = fields.Nested(ContactSchema, required=True)
    primary_chain_id = _text("The chain the owner confirmed")
    chains = fields.List(fields.Nested(ChainScoreSchema), required=True, metadata={
        "description": "Suggested chains, best first"})
    attachments = fields.List(fields.Nested(AttachmentSchema), required=True)
    confidential_visible = fields.Boolean(required=True, metadata={
        "description": "Whether the caller may see the confidential details (signed-in "
                       "users who accepted the terms, the owner, admins)"})
    confidential_details = _text("Null unless confidential_visible")
    confidential_details_en = _text("Null unless confidential_visible")
    bid_count = fields.Integer(allow_none=True, metadata={
        "description": "Submitted bids, where the caller may see the count (after the "
                       "deadline, or where the program office shows it)"})
    publicity_url = _text("The publicity (公示) page, when a decision is public")
    updated_at = UTCDateTime(allow_none=True)
    editable = fields.Boolean(required=True, metadata={
        "description": "The caller may change it (the owner's draft or returned need)"})
    missing_for_submission = fields.Dict(keys=fields.String(), values=fields.String(),
                                         metadata={"description": "For the owner: what a "
                                                   "submission still needs, field → message"})


class NeedListArgs(ma.Schema):
    q = fields.String(validate=validate.Length(max=200), metadata={
        "description": "Search words, Chinese or English (as on the search page)"})
    cluster = fields.String(validate=validate.Length(max=64))
    chain = fields.String(validate=validate.Length(max=64))
    status = fields.String(validate=validate.OneOf(STATUS_FACETS))
    budget = fields.String(validate=validate.OneOf([key for key, _l, _h in BUDGET_BANDS]),
                           metadata={"description": "Budget band in 万元"})
    deadline = fields.String(validate=validate.OneOf(DEADLINE_FACETS), metadata={
        "description": "Deadline within 7, 30 or 90 days, or later"})
    sort = fields.String(load_default="relevance", validate=validate.OneOf(SORTS))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_LIMIT))
    cursor = fields.String(validate=validate.Length(max=500), metadata={
        "description": "next_cursor of the previous page"})


class PageArgs(ma.Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_LIMIT))
    cursor = fields.String(validate=validate.Length(max=500))


class OwnNeedPageSchema(ma.Schema):
    items = fields.List(fields.Nested(NeedSchema), required=True)
    next_cursor = _text()


class IndicatorInput(Strict):
    name = fields.String(required=True, validate=validate.Length(max=200))
    name_en = fields.String(allow_none=True, validate=validate.Length(max=200))
    comparator = fields.String(load_default=">=",
                               validate=validate.OneOf([c.value for c in Comparator]))
    target = fields.String(required=True, validate=validate.Length(max=40), metadata={
        "description": "A number: 650, 0.15, 1e18, 1.5×10^-9"})
    unit = fields.String(allow_none=True, validate=validate.Length(max=40))


def _limited_text(name: str) -> fields.String:
    return fields.String(allow_none=True, validate=validate.Length(max=TEXT_LIMITS[name]))


class NeedDraftInput(Strict):
    """A draft as the need form takes it, and checked by the form's own rules: a title in at
    least one language, a target that is a number, a chain of the taxonomy … Refused fields
    come back in `errors` (422) with the form's messages."""
    title_zh = _limited_text("title_zh")
    title_en = _limited_text("title_en")
    summary_zh = _limited_text("summary_zh")
    summary_en = _limited_text("summary_en")
    description_zh = _limited_text("description_zh")
    description_en = _limited_text("description_en")
    requirements = _limited_text("requirements")
    requirements_en = _limited_text("requirements_en")
    confidential_details = _limited_text("confidential_details")
    confidential_details_en = _limited_text("confidential_details_en")
    ip_terms = fields.String(validate=validate.OneOf([t.value for t in IPTerms]))
    terms_text = _limited_text("terms_text")
    terms_text_en = _limited_text("terms_text_en")
    budget_wan = fields.Decimal(allow_none=True, allow_nan=False, metadata={
        "description": "万元 (10,000 CNY), two decimals at most", "minimum": 0,
        "maximum": 10_000_000})
    deadline = fields.AwareDateTime(allow_none=True, metadata={
        "description": "ISO 8601 with a time zone; shown and enforced in Beijing time"})
    period_months = fields.Integer(allow_none=True, strict=True, metadata={
        "minimum": 1, "maximum": 240})
    contact_name = _limited_text("contact_name")
    contact_email = fields.String(allow_none=True, validate=validate.Length(
        max=TEXT_LIMITS["contact_email"]), metadata={"format": "email"})
    contact_phone = _limited_text("contact_phone")
    primary_chain_id = fields.String(allow_none=True, validate=validate.Length(max=64))
    indicators = fields.List(fields.Nested(IndicatorInput), validate=validate.Length(max=30))


# -- taxonomy, industry map, publicity --------------------------------------------------------
class ChainSchema(ma.Schema):
    id = fields.String(required=True)
    name_zh = fields.String(required=True)
    name_en = fields.String(required=True)


class ClusterSchema(ma.Schema):
    id = fields.String(required=True)
    name_zh = fields.String(required=True)
    name_en = fields.String(required=True)
    chains = fields.List(fields.Nested(ChainSchema), required=True)


class TaxonomySchema(ma.Schema):
    version = fields.Integer(allow_none=True, metadata={"description": "Active version"})
    label = _text()
    clusters = fields.List(fields.Nested(ClusterSchema), required=True)


class MapChainSchema(ChainSchema):
    open_needs = fields.Integer(required=True)
    budget_wan = _amount("Total budget of the open needs, 万元")


class MapClusterSchema(ma.Schema):
    id = fields.String(required=True)
    name_zh = fields.String(required=True)
    name_en = fields.String(required=True)
    open_needs = fields.Integer(required=True)
    budget_wan = _amount("Total budget of the open needs, 万元")
    chains = fields.List(fields.Nested(MapChainSchema), required=True)


class IndustryMapSchema(ma.Schema):
    open_needs = fields.Integer(required=True)
    budget_wan = _amount("Total budget of the open needs, 万元")
    clusters = fields.List(fields.Nested(MapClusterSchema), required=True)


class WinnerSchema(ma.Schema):
    organisation = fields.Nested(OrganisationSchema, required=True)
    panel_score = _amount("Panel score (two decimals)")


class DismissedObjectionSchema(ma.Schema):
    lodged_at = UTCDateTime(required=True)
    resolution_zh = _text()
    resolution_en = _text()


class PublicDecisionSchema(ma.Schema):
    need = fields.Nested(NeedSummarySchema, required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(["award", "no_award"]))
    status = fields.String(required=True, validate=validate.OneOf(["publicity", "final"]))
    winners = fields.List(fields.Nested(WinnerSchema), required=True)
    rationale_zh = _text()
    rationale_en = _text()
    publicity_starts_at = UTCDateTime(allow_none=True)
    publicity_ends_at = UTCDateTime(allow_none=True)
    finalised_at = UTCDateTime(allow_none=True)
    open_objections = fields.Integer(required=True)
    dismissed_objections = fields.List(fields.Nested(DismissedObjectionSchema), required=True)
    audit_anchor = fields.Dict(allow_none=True, metadata={
        "description": "The audit log's signed head when publicity started"})
    url = fields.String(required=True)


class PublicityPageSchema(ma.Schema):
    items = fields.List(fields.Nested(PublicDecisionSchema), required=True)
    next_cursor = _text()


# -- the caller, bids, review -----------------------------------------------------------------
class MeSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    roles = fields.List(fields.String(), required=True)
    organisation = fields.Nested(OrganisationSchema, allow_none=True)
    token_scope = fields.String(required=True,
                                validate=validate.OneOf([s.value for s in TokenScope]))
    token_expires_at = UTCDateTime(allow_none=True)


class BidVersionSchema(ma.Schema):
    number = fields.Integer(required=True)
    submitted_at = UTCDateTime(required=True)
    budget_total_wan = _amount("万元")


class BidSummarySchema(ma.Schema):
    id = fields.Integer(required=True)
    need = fields.Nested(NeedSummarySchema, required=True)
    team = fields.Nested(OrganisationSchema, required=True)
    status = fields.String(required=True, validate=validate.OneOf(
        ["draft", "submitted", "withdrawn"]))
    created_at = UTCDateTime(required=True)
    submitted_at = UTCDateTime(allow_none=True)
    withdrawn_at = UTCDateTime(allow_none=True)
    versions = fields.List(fields.Nested(BidVersionSchema), required=True)
    outcome = _text("What the review made of it, once decided or in publicity")
    url = fields.String(required=True)


class BidSchema(BidSummarySchema):
    content = fields.Dict(allow_none=True, metadata={
        "description": "The last submitted version as submitted (approach, indicator "
                       "commitments, milestones, budget, members, files)"})


class BidListSchema(ma.Schema):
    items = fields.List(fields.Nested(BidSummarySchema), required=True)


class RoundSchema(ma.Schema):
    id = fields.Integer(required=True)
    need = fields.Nested(NeedSummarySchema, required=True)
    number = fields.Integer(required=True)
    kind = fields.String(required=True)
    blind = fields.Boolean(required=True)
    stage = fields.String(required=True)
    report_url = fields.String(required=True)


class RoundListSchema(ma.Schema):
    items = fields.List(fields.Nested(RoundSchema), required=True)
    next_cursor = _text()


class TableSchema(ma.Schema):
    """A table of the report as the CSV has it: the header, then rows of text (scores with
    two decimals, "" where there is none)."""
    header = fields.List(fields.String(), required=True)
    rows = fields.List(fields.List(fields.String()), required=True)


class CriterionSchema(ma.Schema):
    name = fields.String(required=True)
    name_en = _text()
    weight = fields.Integer(required=True)
    min_score = _amount("Lowest score")
    max_score = _amount("Highest score")


class ReportSchema(ma.Schema):
    round = fields.Nested(RoundSchema, required=True)
    provisional = fields.Boolean(required=True)
    status = fields.String(required=True)
    criteria = fields.List(fields.Nested(CriterionSchema), required=True)
    scores = fields.Nested(TableSchema, required=True)
    ranking = fields.Nested(TableSchema, required=True)
    excluded = fields.Nested(TableSchema, required=True)
    comments = fields.Nested(TableSchema, required=True)
    panel = fields.Nested(TableSchema, required=True)
    decision = fields.List(fields.List(fields.String()), required=True)


class ExportArgs(ma.Schema):
    format = fields.String(load_default="jsonl", validate=validate.OneOf(["jsonl", "csv",
                                                                         "xlsx"]))


class ReportExportArgs(ma.Schema):
    format = fields.String(load_default="csv", validate=validate.OneOf(["csv", "xlsx"]))
