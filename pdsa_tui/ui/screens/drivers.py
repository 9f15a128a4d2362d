"""An aim's driver diagram as a tree: primary drivers, secondary drivers, change ideas."""

from __future__ import annotations

import dataclasses

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from pdsa_tui.model import Aim, ChangeIdea
from pdsa_tui.model.drivers import PrimaryDriver, SecondaryDriver
from pdsa_tui.report.drivers_content import DriverTree, IdeaNode, driver_tree
from pdsa_tui.store import StoreError
from pdsa_tui.store.drivers import primary_drivers, secondary_drivers
from pdsa_tui.ui import styles
from pdsa_tui.ui.dialogs.pick import PickScreen
from pdsa_tui.ui.screens.base import PdsaScreen
from pdsa_tui.ui.widgets.record_table import literal
from pdsa_tui.ui.widgets.scrollbox import ScrollBox

#: What a tree node stands for: (kind, record id).
NodeKey = tuple[str, str]

_STATUS_STYLE = {"sustained": "green", "spreading": "green", "abandoned": "dim"}


def _idea_label(node: IdeaNode) -> Text:
    # Status first, so it shows however narrow the terminal is.
    text = Text("• ")
    text.append(
        f"[{node.status} · {node.latest}] ", style=_STATUS_STYLE.get(node.idea.status, "dim")
    )
    text.append_text(literal(node.idea.title))
    return text


class DriverScreen(PdsaScreen):
    """The driver diagram of one aim, to move through and edit."""

    CSS_PATH = styles.path("drivers.tcss")

    ABOUT = (
        "Aim -> primary drivers -> secondary drivers -> change ideas. Each idea shows its status "
        "and latest cycle. Enter opens an idea; space folds a branch."
    )

    BINDINGS = [
        Binding("escape", "back", "Back", id="drivers.back"),
        Binding(
            "p", "add_primary", "Add primary", id="drivers.primary", tooltip="Add a primary driver"
        ),
        Binding(
            "s",
            "add_secondary",
            "Add secondary",
            id="drivers.secondary",
            tooltip="Add a secondary driver under the highlighted primary",
        ),
        Binding(
            "l",
            "link",
            "Link idea",
            id="drivers.link",
            tooltip="Link a change idea to the highlighted secondary driver",
        ),
        Binding(
            "u", "unlink", "Unlink", id="drivers.unlink", tooltip="Unlink the highlighted idea"
        ),
        Binding(
            "m",
            "move",
            "Move",
            id="drivers.move",
            tooltip="Move the highlighted secondary driver to another primary",
            show=False,
        ),
        Binding(
            "e", "edit", "Edit", id="drivers.edit", tooltip="Edit the highlighted driver or idea"
        ),
        Binding("d,delete", "delete", "Delete", id="drivers.delete", tooltip="Delete the driver"),
        Binding("x", "export", "Export", id="drivers.export", tooltip="Export the aim report"),
    ]

    def __init__(self, aim_id: str) -> None:
        super().__init__()
        self.aim_id = aim_id
        self.tree_data: DriverTree | None = None

    def compose_body(self) -> ComposeResult:
        with ScrollBox(classes="summary"):
            yield Static("", id="drivers-summary")
        tree: Tree[NodeKey] = Tree(Text("Aim"), data=("aim", self.aim_id), id="drivers-tree")
        tree.auto_expand = False
        yield tree

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#drivers-tree", Tree).focus()

    @property
    def dtree(self) -> Tree[NodeKey]:
        """The tree widget."""
        return self.query_one("#drivers-tree", Tree)

    # -- drawing -------------------------------------------------------------------
    def refresh_data(self) -> None:
        aim = self.store.lookup(Aim, self.aim_id)
        if aim is None:
            self.app.pop_screen()
            return
        self.title = f"{aim.code} › Driver diagram"
        data = driver_tree(self.store, aim)
        self.tree_data = data
        tree = self.dtree
        keep = tree.cursor_node.data if tree.cursor_node is not None else None
        tree.clear()
        label = Text(f"{aim.code}: ", style="bold")
        label.append_text(literal(" ".join(aim.statement.split())))
        tree.root.set_label(label)
        tree.root.expand()
        found: TreeNode[NodeKey] | None = None
        n_sec = n_linked = 0
        for p in data.primaries:
            pl = Text("◆ ", style="bold")
            pl.append_text(literal(p.driver.title))
            pnode = tree.root.add(pl, data=("primary", p.driver.id), expand=True)
            found = found or (pnode if keep == pnode.data else None)
            if not p.secondaries:
                pnode.add_leaf(
                    Text("(no secondary driver yet: press s)", style="dim"),
                    data=("none", p.driver.id),
                )
            for s in p.secondaries:
                n_sec += 1
                sl = Text("◇ ")
                sl.append_text(literal(s.driver.title))
                snode = pnode.add(sl, data=("secondary", s.driver.id), expand=True)
                found = found or (snode if keep == snode.data else None)
                if not s.ideas:
                    snode.add_leaf(
                        Text("(no change idea yet: press l)", style="dim"),
                        data=("none", s.driver.id),
                    )
                for n in s.ideas:
                    n_linked += 1
                    leaf = snode.add_leaf(_idea_label(n), data=("idea", n.idea.id))
                    found = found or (leaf if keep == leaf.data else None)
        if data.unlinked:
            unode = tree.root.add(
                Text(f"Not linked to a driver yet ({len(data.unlinked)})", style="italic"),
                data=("unlinked", ""),
                expand=True,
            )
            for n in data.unlinked:
                leaf = unode.add_leaf(_idea_label(n), data=("idea", n.idea.id))
                found = found or (leaf if keep == leaf.data else None)
        total = n_linked + len(data.unlinked)
        summary = Text()
        summary.append(
            f"{len(data.primaries)} primary and {n_sec} secondary drivers; "
            f"{n_linked} of {total} change ideas linked."
        )
        if data.empty:
            summary.append(
                "\nNo drivers yet: press p to add the first primary driver.", style="italic"
            )
        self.query_one("#drivers-summary", Static).update(summary)
        if found is not None:
            self.call_after_refresh(tree.move_cursor, found)

    # -- what is highlighted ---------------------------------------------------------
    def _key(self) -> NodeKey:
        node = self.dtree.cursor_node
        return node.data if node is not None and node.data is not None else ("aim", self.aim_id)

    def _primary(self) -> PrimaryDriver | None:
        kind, rid = self._key()
        if kind == "primary":
            return self.store.lookup(PrimaryDriver, rid)
        sec = self._secondary()
        if sec is not None:
            return self.store.lookup(PrimaryDriver, sec.primary_id)
        if kind == "none":
            return self.store.lookup(PrimaryDriver, rid)
        return None

    def _secondary(self) -> SecondaryDriver | None:
        kind, rid = self._key()
        if kind in ("secondary", "none"):
            return self.store.lookup(SecondaryDriver, rid)
        if kind == "idea":
            idea = self.store.lookup(ChangeIdea, rid)
            if idea is not None and idea.driver_id:
                return self.store.lookup(SecondaryDriver, idea.driver_id)
        return None

    def _idea(self) -> ChangeIdea | None:
        kind, rid = self._key()
        return self.store.lookup(ChangeIdea, rid) if kind == "idea" else None

    # -- actions -----------------------------------------------------------------------
    @on(Tree.NodeSelected, "#drivers-tree")
    def _selected(self, event: Tree.NodeSelected[NodeKey]) -> None:
        if event.node.data is not None and event.node.data[0] == "idea":
            from pdsa_tui.ui.screens.idea import IdeaScreen

            self.app.push_screen(IdeaScreen(event.node.data[1]))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_add_primary(self) -> None:
        self.edit_record(
            "New primary driver",
            PrimaryDriver(aim_id=self.aim_id),
            then=lambda p: self._go(("primary", p.id)),
            intro=["A primary driver is a big factor the aim depends on."],
        )

    def action_add_secondary(self) -> None:
        primary = self._primary()
        if primary is None:
            self.notify("Highlight a primary driver first (or press p to add one).", timeout=5)
            return
        self.edit_record(
            f"New secondary driver under: {primary.title}",
            SecondaryDriver(primary_id=primary.id),
            then=lambda s: self._go(("secondary", s.id)),
            intro=["A secondary driver is a specific factor change ideas can work on."],
        )

    def action_link(self) -> None:
        if not self.can_write():
            return
        idea = self._idea()
        if idea is not None:
            self._pick_secondary_for(idea)
            return
        sec = self._secondary()
        if sec is None:
            self.notify(
                "Highlight a secondary driver, then press l to link an idea to it.", timeout=5
            )
            return
        ideas = [i for i in self.store.ideas(self.aim_id) if i.driver_id != sec.id]
        if not ideas:
            self.notify("Every change idea of this aim is already linked here.", timeout=5)
            return

        def chosen(idea_id: str | None) -> None:
            if idea_id:
                self._link(idea_id, sec.id)

        self.app.push_screen(
            PickScreen(
                f"Link a change idea to: {sec.title}",
                [(i.id, i.title) for i in ideas],
                help="An idea works on one secondary driver; linking moves it here.",
            ),
            chosen,
        )

    def _pick_secondary_for(self, idea: ChangeIdea) -> None:
        items = [
            (s.id, f"{p.title} › {s.title}")
            for p in primary_drivers(self.store, self.aim_id)
            for s in secondary_drivers(self.store, p.id)
        ]
        if not items:
            self.notify("Add a primary and a secondary driver first (p, then s).", timeout=5)
            return

        def chosen(sec_id: str | None) -> None:
            if sec_id:
                self._link(idea.id, sec_id)

        self.app.push_screen(
            PickScreen(f"Link '{idea.title}' to a secondary driver", items), chosen
        )

    def _link(self, idea_id: str, sec_id: str) -> None:
        idea = self.store.get(ChangeIdea, idea_id)
        try:
            self.save(dataclasses.replace(idea, driver_id=sec_id))
        except StoreError as exc:
            self.notify(str(exc), title="Not linked", severity="error", timeout=10)
            return
        self.changed()
        self._go(("idea", idea_id))
        self.notify(f"Linked '{idea.title}'.", timeout=3)

    def action_unlink(self) -> None:
        idea = self._idea()
        if idea is None or not idea.driver_id or not self.can_write():
            return
        try:
            self.save(dataclasses.replace(idea, driver_id=""))
        except StoreError as exc:
            self.notify(str(exc), title="Not unlinked", severity="error", timeout=10)
            return
        self.changed()
        self._go(("idea", idea.id))
        self.notify(f"Unlinked '{idea.title}'; it is kept under 'Not linked'.", timeout=4)

    def action_move(self) -> None:
        kind, rid = self._key()
        sec = self.store.lookup(SecondaryDriver, rid) if kind == "secondary" else None
        if sec is None or not self.can_write():
            self.notify("Highlight a secondary driver to move it.", timeout=4)
            return
        others = [
            (p.id, p.title)
            for p in primary_drivers(self.store, self.aim_id)
            if p.id != sec.primary_id
        ]
        if not others:
            self.notify("There is no other primary driver to move it to.", timeout=4)
            return

        def chosen(pid: str | None) -> None:
            if not pid:
                return
            try:
                self.save(
                    dataclasses.replace(self.store.get(SecondaryDriver, sec.id), primary_id=pid)
                )
            except StoreError as exc:
                self.notify(str(exc), title="Not moved", severity="error", timeout=10)
                return
            self.changed()
            self._go(("secondary", sec.id))

        self.app.push_screen(PickScreen(f"Move '{sec.title}' under", others), chosen)

    def action_edit(self) -> None:
        kind, rid = self._key()
        if kind == "primary":
            p = self.store.get(PrimaryDriver, rid)
            self.edit_record(f"Edit primary driver: {p.title}", p)
        elif kind == "secondary":
            s = self.store.get(SecondaryDriver, rid)
            self.edit_record(f"Edit secondary driver: {s.title}", s)
        elif kind == "idea":
            i = self.store.get(ChangeIdea, rid)
            self.edit_record(f"Edit change idea: {i.title}", i)
        elif kind == "aim":
            a = self.store.get(Aim, self.aim_id)
            self.edit_record(f"Edit aim: {a.code}", a)

    def action_delete(self) -> None:
        kind, rid = self._key()
        if kind == "primary":
            p = self.store.get(PrimaryDriver, rid)
            self.confirm_delete(p, f"primary driver '{p.title}' (its ideas are kept, unlinked)")
        elif kind == "secondary":
            s = self.store.get(SecondaryDriver, rid)
            self.confirm_delete(s, f"secondary driver '{s.title}' (its ideas are kept, unlinked)")
        elif kind == "idea":
            self.notify(
                "Ideas are deleted on the aim's Change ideas tab; u unlinks it here.", timeout=5
            )

    def action_export(self) -> None:
        from pdsa_tui.report.export import default_filename

        aim = self.store.get(Aim, self.aim_id)
        self.export({"aim": aim}, default_filename(aim, "html"))

    def _go(self, key: NodeKey) -> None:
        """Put the cursor on the node for ``key`` once the tree is redrawn."""

        def find() -> None:
            stack = [self.dtree.root]
            while stack:
                node = stack.pop()
                if node.data == key:
                    self.dtree.move_cursor(node)
                    return
                stack.extend(node.children)

        self.call_after_refresh(find)
