"""A change idea's change package: the new process as a flowchart, and what colleagues need."""

from __future__ import annotations

import dataclasses
import datetime as dt
import textwrap
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from pdsa_tui.model import ChangeIdea
from pdsa_tui.model.dates import format_date, today
from pdsa_tui.model.drivers import ChangePackage, is_decision_step, step_text
from pdsa_tui.store import StoreError
from pdsa_tui.store.drivers import package_for
from pdsa_tui.ui import styles
from pdsa_tui.ui.dialogs.modals import ConfirmScreen
from pdsa_tui.ui.screens.base import PdsaScreen
from pdsa_tui.ui.widgets.record_table import literal
from pdsa_tui.ui.widgets.scrollbox import ScrollBox


def flowchart_text(steps: list[str], width: int) -> Text:
    """The steps as boxes joined by arrows; '?' steps drawn as ◇ decisions."""
    inner = max(20, min(width, 72) - 4)
    out = Text()
    for k, step in enumerate(steps, start=1):
        decision = is_decision_step(step)
        body = step_text(step) + ("?" if decision and not step.rstrip().endswith("?") else "")
        lines = textwrap.wrap(f"{k}. {body}", inner) or [""]
        style = "yellow" if decision else "cyan"
        if k > 1:
            out.append(" " * (inner // 2 + 1) + "│\n" + " " * (inner // 2 + 1) + "▼\n", style="dim")
        left, right = ("◇", "◇") if decision else ("│", "│")
        top = ("╱" + "─" * (inner + 2) + "╲") if decision else ("┌" + "─" * (inner + 2) + "┐")
        bottom = ("╲" + "─" * (inner + 2) + "╱") if decision else ("└" + "─" * (inner + 2) + "┘")
        out.append(top + "\n", style=style)
        for line in lines:
            out.append(left + " ", style=style)
            out.append_text(literal(line.ljust(inner)))
            out.append(" " + right + "\n", style=style)
        out.append(bottom + "\n", style=style)
    if not steps:
        out.append("No steps written yet: press e and write one step a line.", style="italic")
    return out


class PackageScreen(PdsaScreen):
    """What colleagues need to take up the idea: process, guidance, contacts, audit plan."""

    CSS_PATH = styles.path("drivers.tcss")

    ABOUT = (
        "The change package: the new process as a flowchart, why and what, who to contact, "
        "where resources are kept, start date, training, approvals and the self-audit plan."
    )

    BINDINGS = [
        Binding("escape", "back", "Back", id="package.back"),
        Binding("e", "edit", "Edit", id="package.edit", tooltip="Edit the change package"),
        Binding("x", "export", "Export", id="package.export", tooltip="Export as md or html"),
        Binding(
            "a",
            "audit_done",
            "Audit done",
            id="package.audit",
            tooltip="Record today's self-audit: the next falls due one interval from today",
        ),
    ]

    def __init__(self, idea_id: str) -> None:
        super().__init__()
        self.idea_id = idea_id

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="package-scroll"):
            with ScrollBox(classes="summary"):
                yield Static("", id="package-facts")
            yield Static("", id="package-flow")
            yield Static("", id="package-rest")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#package-scroll").focus()

    def on_resize(self) -> None:
        self.refresh_data()

    def _package(self) -> ChangePackage:
        return package_for(self.store, self.idea_id) or ChangePackage(idea_id=self.idea_id)

    def refresh_data(self) -> None:
        idea = self.store.lookup(ChangeIdea, self.idea_id)
        if idea is None:
            self.app.pop_screen()
            return
        self.title = f"Change package › {idea.title}"
        p = self._package()
        facts = Text()
        facts.append_text(literal(idea.title))
        facts.stylize("bold")
        facts.append(f"\nStart date: {format_date(p.start_date) if p.start_date else 'not set'}")
        if p.audit_next_due is not None:
            every = f"every {p.audit_every_weeks:g} weeks" if p.audit_every_weeks else ""
            facts.append(f" · self-audit {every}{' by ' + p.audit_by if p.audit_by else ''}")
            due = f" · next due {format_date(p.audit_next_due)}"
            facts.append(due, style="bold red" if p.audit_due(today()) else "")
            if p.audit_due(today()):
                facts.append(" (due now)", style="bold red")
        if package_for(self.store, self.idea_id) is None:
            facts.append("\nNo change package yet: press e to write one.", style="italic")
        self.query_one("#package-facts", Static).update(facts)
        width = self.size.width or 80
        flow = Text("The new process\n", style="bold")
        flow.append_text(flowchart_text(p.step_list(), width - 4))
        self.query_one("#package-flow", Static).update(flow)
        rest = Text()
        sections = [
            ("Why and what", p.guidance.strip()),
            ("Who to contact", "\n".join(f"{r}: {w}" if r else w for r, w in p.contact_pairs())),
            ("Resources", "\n".join(p.lines("resources"))),
            ("Training and coaching", p.training.strip()),
            ("Approvals", "\n".join(f"{w} ({d})" if d else w for w, d in p.approval_pairs())),
        ]
        for head, body in sections:
            rest.append(f"\n{head}\n", style="bold")
            if body:
                rest.append_text(literal(body))
                rest.append("\n")
            else:
                rest.append("Not recorded\n", style="dim italic")
        self.query_one("#package-rest", Static).update(rest)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_edit(self) -> None:
        idea = self.store.get(ChangeIdea, self.idea_id)
        self.edit_record(
            f"Change package: {idea.title}",
            self._package(),
            tall=["steps", "guidance", "contacts", "resources", "training", "approvals"],
        )

    def action_audit_done(self) -> None:
        package = package_for(self.store, self.idea_id)
        if package is None or not package.audit_every_weeks:
            self.notify("Set 'Self-audit every (weeks)' first (e edits the package).", timeout=5)
            return
        if not self.can_write():
            return
        due = today() + dt.timedelta(weeks=package.audit_every_weeks)
        try:
            self.save(dataclasses.replace(package, audit_next_due=due))
        except StoreError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=10)
            return
        self.changed()
        self.notify(f"Self-audit recorded; the next is due {format_date(due)}.", timeout=5)

    def action_export(self) -> None:
        from pdsa_tui.report.export import slug

        idea = self.store.get(ChangeIdea, self.idea_id)
        name = f"change-package-{slug(idea.title)}-{today().isoformat()}.html"
        self.export_prompt(
            "Export the change package",
            name,
            ("md", "html", "docx", "pdf"),
            lambda path, fmt: self._write_package(path, fmt, force=False),
            "a change package",
        )

    def _write_package(self, path: Path, fmt: str, *, force: bool) -> None:
        from pdsa_tui.report.papers import package_bytes

        idea = self.store.get(ChangeIdea, self.idea_id)
        try:
            done = self.export_file(path, package_bytes(self.store, idea, fmt=fmt), force=force)
        except FileExistsError:

            def answer(yes: bool | None) -> None:
                if yes:
                    self._write_package(path, fmt, force=True)

            self.app.push_screen(
                ConfirmScreen(f"{path} exists. Replace it?", yes="Replace", danger=True), answer
            )
            return
        except OSError as exc:
            self.notify(f"Not exported: {exc}", severity="error", timeout=10)
            return
        self.notify(done, title="Export done", timeout=8)
