"""Draw the rotation timeline (tools/timeline.py) with matplotlib: one panel per
stack, a row per slot; each client secret a bar from its creation to its
replacement (or end date), labelled with its created and end dates; the
Secret's switches, the scheduled deploys and today as vertical marks."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from components import rotation

from .timeline import StackTimeline, scheduled_cron, stack_timeline

if TYPE_CHECKING:
    from .plan.runner import StackResult

DAY = "%Y-%m-%d"
# How far ahead `plan --timeline` draws.
WINDOW = timedelta(days=183)
# Text stays text in an SVG, so a reader (or a test) can search the dates.
matplotlib.rcParams["svg.fonttype"] = "none"


def figure(timelines: list[StackTimeline], *, today: datetime) -> Figure:
    fig, axes = plt.subplots(
        len(timelines),
        1,
        figsize=(12, sum(1 + 0.45 * len(t.lives) for t in timelines)),
        squeeze=False,
        sharex=True,
    )
    for axis, timeline in zip(axes[:, 0], timelines, strict=True):
        _panel(axis, timeline, today)
    axes[-1, 0].xaxis.set_major_formatter(mdates.DateFormatter(DAY))
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def _panel(axis: Axes, timeline: StackTimeline, today: datetime) -> None:
    """A row per client secret: pale while it exists, dark while the Secret holds
    it, a thin line on to its end date when a deploy replaced it before then."""
    lives = timeline.lives
    for row, life in enumerate(lives):
        colour = "tab:blue" if life.slot == rotation.SLOTS[0] else "tab:orange"
        stop = min(life.replaced or life.ends, life.ends)
        held = lives[row + 1].created if row + 1 < len(lives) else stop
        _bar(axis, row, life.created, stop, colour, alpha=0.3)
        _bar(axis, row, life.created, min(held, stop), colour, alpha=0.8)
        if stop < life.ends:
            axis.plot([_x(stop), _x(life.ends)], [row, row], color=colour, linewidth=1)
        axis.text(
            _x(life.created),
            row + 0.42,
            f"{life.slot}: created {life.created:{DAY}}, ends {life.ends:{DAY}}",
            fontsize=7,
        )
    for moment in timeline.deploys:
        axis.axvline(_x(moment), color="grey", linewidth=0.5, linestyle=":")
    for moment in timeline.switches:
        axis.axvline(_x(moment), color="tab:green", linewidth=1.2)
    axis.axvline(_x(today), color="tab:red", linewidth=1.5)
    axis.text(_x(today), -0.9, f" today {today:{DAY}}", color="tab:red", fontsize=7)
    axis.set_yticks(range(len(lives)), [f"slot {life.slot}" for life in lives])
    axis.set_ylim(-1, len(lives))
    axis.invert_yaxis()
    axis.set_title(
        f"{timeline.stack}: rotation every {timeline.rotation_days} days (dark: in the "
        "Secret; green: the Secret switches; dotted: scheduled deploys; red: today)",
        fontsize=9,
        loc="left",
    )


def _x(moment: datetime) -> float:
    """A moment on the date axis (matplotlib's days since 1970)."""
    return float(mdates.date2num(moment))


def _bar(axis: Axes, row: int, start: datetime, stop: datetime, colour: str, alpha: float) -> None:
    left = mdates.date2num(start)
    axis.broken_barh(
        [(left, mdates.date2num(stop) - left)], (row - 0.25, 0.5), color=colour, alpha=alpha
    )


def write(path: Path, timelines: list[StackTimeline], *, today: datetime) -> None:
    """Write the picture; the format follows the file's suffix (.svg, .png, .pdf)."""
    fig = figure(timelines, today=today)
    try:
        fig.savefig(path)
    finally:
        plt.close(fig)


def write_for_plan(
    path: Path, results: list[StackResult], *, today: datetime, project_dir: Path
) -> None:
    """`plan --timeline FILE`: every stack that plans, from today for half a year;
    a problem is said on stderr, exit 2."""
    stacks = {r.stack: r.plan.rotation.every_days for r in results if r.ok and r.plan}
    try:
        cron = scheduled_cron(project_dir)
        timelines = [
            stack_timeline(stack, days, cron=cron, start=today, end=today + WINDOW)
            for stack, days in stacks.items()
        ]
        write(path, timelines, today=today)
    except (OSError, ValueError) as error:
        print(f"pomerium-azure-ad plan: --timeline {path}: {error}", file=sys.stderr)
        raise SystemExit(2) from None
