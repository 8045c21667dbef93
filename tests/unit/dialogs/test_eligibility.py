"""Size classes at every boundary of seed 004's table, and the other rules of seed 001."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogs.eligibility import (
    INDUSTRIES,
    decide_expert,
    decide_org_type,
    decide_past_usage,
    decide_size,
    overall,
    size_class,
)

# (industry, small ≤, SME headcount ≤, SME capital ≤) straight from seed 004
TABLE = [
    ("manufacturing", 20, 300, 300_000_000), ("construction", 20, 300, 300_000_000),
    ("transport", 20, 300, 300_000_000), ("wholesale", 5, 100, 100_000_000), ("service", 5, 100, 50_000_000),
    ("retail", 5, 50, 50_000_000), ("rubber", 20, 900, 300_000_000), ("software", 5, 300, 300_000_000),
    ("accommodation", 20, 200, 50_000_000), ("entertainment", 20, 100, 50_000_000), ("other", 20, 300, 300_000_000),
]


@pytest.mark.parametrize(("industry", "small", "heads", "capital"), TABLE)
def test_every_boundary_is_inclusive(industry: str, small: int, heads: int, capital: int) -> None:
    assert size_class(industry, small, None) == "small"
    assert size_class(industry, small + 1, None) == "medium"
    assert size_class(industry, heads, None) == "medium"
    assert size_class(industry, heads + 1, None) == "unknown"  # capital could still make it an SME
    assert size_class(industry, heads + 1, capital) == "medium"
    assert size_class(industry, heads + 1, capital + 1) == "large"
    assert size_class(industry, None, capital) == "medium"
    assert size_class(industry, None, capital + 1) == "unknown"
    assert size_class(industry, None, None) == "unknown"
    assert size_class(industry, 0, 10**12) == "small"  # small is decided by headcount alone


def test_the_table_covers_every_stable_industry_key() -> None:
    assert sorted(INDUSTRIES) == sorted(row[0] for row in TABLE)
    with pytest.raises(ValueError):
        size_class("fishing", 3, None)
    with pytest.raises(ValueError):
        size_class("retail", -1, None)


@given(industry=st.sampled_from(sorted(INDUSTRIES)), employees=st.none() | st.integers(0, 5000),
       capital=st.none() | st.integers(0, 10**11))
def test_size_class_agrees_with_the_definition(industry: str, employees: int | None, capital: int | None) -> None:
    row = INDUSTRIES[industry]
    cls = size_class(industry, employees, capital)
    within = (employees is not None and employees <= row.employees_max) or (
        capital is not None and capital <= row.capital_max)
    if employees is not None and employees <= row.small_max:
        assert cls == "small"
    elif within:
        assert cls == "medium"
    elif employees is not None and capital is not None:
        assert cls == "large"
    else:
        assert cls == "unknown"


@given(industry=st.sampled_from(sorted(INDUSTRIES)), employees=st.integers(0, 5000), capital=st.integers(0, 10**11))
def test_more_people_or_capital_never_makes_a_business_smaller(industry: str, employees: int, capital: int) -> None:
    order = {"small": 0, "medium": 1, "large": 2}
    assert order[size_class(industry, employees + 1, capital)] >= order[size_class(industry, employees, capital)]
    assert order[size_class(industry, employees, capital + 1)] >= order[size_class(industry, employees, capital)]


def test_decisions_carry_rule_clause_and_values() -> None:
    d = decide_size("retail", 51, 60_000_000)
    assert (d.rule, d.outcome) == ("size_class", "not_eligible")
    assert "004" in d.clause and d.values["size_class"] == "large" and d.values["employees"] == 51
    assert decide_size("retail", 400, None, sole_proprietor=True).outcome == "not_eligible"
    assert decide_org_type("excluded_corporation").outcome == "not_eligible"
    assert decide_org_type("cooperative").outcome == "eligible"
    assert decide_org_type("other").outcome == "needs_review"
    assert decide_org_type("company").clause.startswith("001 4(1)ウ")


@pytest.mark.parametrize(("visits", "hours", "outcome"), [
    (None, None, "eligible"), (4, 12, "eligible"), (4, 14.5, "eligible"), (5, 10, "needs_review"),
    (2, 15, "needs_review"), (0, 0, "eligible"),
])
def test_past_usage_caps(visits: int | None, hours: float | None, outcome: str) -> None:
    assert decide_past_usage(visits, hours).outcome == outcome


@pytest.mark.parametrize(("relation", "outcome"), [
    ("employee", "needs_review"), ("advisory", "needs_review"), ("solicited", "needs_review"),
    ("none", "eligible"), (None, "eligible"),
])
def test_expert_conflicts(relation: str | None, outcome: str) -> None:
    assert decide_expert(relation).outcome == outcome


def test_overall_is_the_strictest() -> None:
    ok, review, no = decide_org_type("company"), decide_org_type("other"), decide_org_type("excluded_corporation")
    assert overall([ok, ok]) == "eligible"
    assert overall([ok, review]) == "needs_review"
    assert overall([review, no]) == "not_eligible"


def test_dates_arranged_directly_with_the_expert_are_the_fourth_ground() -> None:
    """001 4(1)ク②: arranging visits or the plan with the expert without the desk's consent may be refused."""
    assert decide_expert("none", True).outcome == "needs_review"
    assert "同意を得ずに" in decide_expert("none", True).note
    assert decide_expert("none", False).outcome == "eligible"
