"""`plan --timeline`: the rotation over time, checked by the dates it draws.

Worked by hand for N = 30 days, today 2026-11-26 15:00 UTC, deploys on Mondays
at 05:17 UTC (the schedule in .github/workflows/rotate.yml):
- periods count 30 days from 2024-01-01 (366 + 365 days to 2026-01-01):
  34 starts 2026-10-17 (day 1020), 35 2026-11-16, 36 2026-12-16, 37 2027-01-15;
- a credential ends 3 * 30 - 7 = 83 days after its period starts: 34 on
  2027-01-08, 35 on 2027-02-07, 36 on 2027-03-09, 37 on 2027-04-08;
- the first Monday deploy of a period makes its credential and switches the
  Secret: 34 on Mon 2026-10-19, 35 on Mon 2026-11-16, 36 on Mon 2026-12-21,
  37 on Mon 2027-01-18; 36 replaces 34 (slot a), 37 replaces 35 (slot b).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any, cast

import pytest

from tools import offline, timeline
from tools.cli import main

TODAY = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
UNTIL = datetime(2027, 1, 31, tzinfo=UTC)
MONDAYS = "17 5 * * 1"


def at(day: str, hour: int = 5, minute: int = 17) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=UTC)


def midnight(day: str) -> datetime:
    return at(day, 0, 0)


@pytest.fixture(scope="module")
def draw() -> ModuleType:
    """The picture's module, imported by the tests that draw (matplotlib takes a
    second or two to import, which every test process would pay at collection)."""
    from tools import timeline_draw

    return timeline_draw


def days_since_1970(moment: datetime) -> float:
    """matplotlib's date axis: days since 1970-01-01 UTC."""
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() / 86400


def qa() -> timeline.StackTimeline:
    return timeline.stack_timeline("qa", 30, cron=MONDAYS, start=TODAY, end=UNTIL)


def test_each_client_secret_from_created_to_replaced_and_ends() -> None:
    lives = [(x.slot, x.period, x.created, x.ends, x.replaced) for x in qa().lives]
    assert lives == [
        ("a", 34, at("2026-10-19"), midnight("2027-01-08"), at("2026-12-21")),
        ("b", 35, at("2026-11-16"), midnight("2027-02-07"), at("2027-01-18")),
        ("a", 36, at("2026-12-21"), midnight("2027-03-09"), None),
        ("b", 37, at("2027-01-18"), midnight("2027-04-08"), None),
    ]


def test_the_switches_and_the_scheduled_deploys() -> None:
    drawn = qa()
    assert drawn.switches == [at("2026-12-21"), at("2027-01-18")]
    assert drawn.deploys == [
        at(day)
        for day in (
            "2026-11-30",
            "2026-12-07",
            "2026-12-14",
            "2026-12-21",
            "2026-12-28",
            "2027-01-04",
            "2027-01-11",
            "2027-01-18",
            "2027-01-25",
        )
    ]


def svg_texts(path: Path) -> list[str]:
    return [(e.text or "").strip() for e in ET.parse(path).iter("{http://www.w3.org/2000/svg}text")]


def test_the_picture_says_those_dates(draw: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "timeline.svg"
    draw.write(path, [qa()], today=TODAY)

    texts = svg_texts(path)
    assert [t for t in texts if ": created " in t] == [
        "a: created 2026-10-19, ends 2027-01-08",
        "b: created 2026-11-16, ends 2027-02-07",
        "a: created 2026-12-21, ends 2027-03-09",
        "b: created 2027-01-18, ends 2027-04-08",
    ]
    assert "today 2026-11-26" in texts
    assert any(t.startswith("qa: rotation every 30 days") for t in texts)


def test_the_picture_marks_switches_deploys_and_today(draw: ModuleType) -> None:
    fig = draw.figure([qa()], today=TODAY)
    (axis,) = fig.axes
    xs = [(line.get_color(), list(cast(Any, line.get_xdata()))) for line in axis.get_lines()]
    marks = {(colour, x[0]) for colour, x in xs if len(set(x)) == 1}
    assert ("tab:green", days_since_1970(at("2026-12-21"))) in marks
    assert ("tab:green", days_since_1970(at("2027-01-18"))) in marks
    assert ("tab:red", days_since_1970(TODAY)) in marks
    assert sum(1 for colour, _ in marks if colour == "grey") == 9


def test_the_plan_draws_every_stack_it_plans(tmp_path: Path) -> None:
    svg = tmp_path / "plan.svg"
    assert main(["plan", "--at", "2026-11-26T15:00:00Z", "--timeline", str(svg)]) == 0
    titles = {t.split(":")[0] for t in svg_texts(svg) if ": rotation every " in t}
    assert titles == set(offline.stack_names())


def test_a_png_for_those_who_would_rather_look(draw: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "timeline.png"
    draw.write(path, [qa()], today=TODAY)
    assert path.read_bytes().startswith(b"\x89PNG\r\n")


def test_without_a_schedule_there_is_no_timeline(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="has no schedule"):
        timeline.scheduled_cron(tmp_path)
