"""Tracks > categories > modules as a tree, each line with its progress, fitted to the width."""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from app.dashboard import Counts, TrackProgress
from app.tui.render import fit, progress_bar, status_mark

MODULE_STATUS = {"Done": "done", "Started": "in_progress", "Not Started": "todo"}


@dataclass
class NavNode:
    kind: str  # track | category | module
    key: str  # track id, "track/category", module id
    counts: Counts


class ProgressTree(Tree[NavNode]):
    """Enter on a module posts NodeSelected with its NavNode; tracks and categories fold."""

    BINDINGS = [
        # Arrows, paging and sibling jumps work as in any tree; kept out of the `?` panel (system), which
        # would list them before the app's own keys.
        *(
            replace(b, system=True)
            for b in (*ScrollableContainer.BINDINGS, *Tree.BINDINGS)
            if isinstance(b, Binding) and b.action not in ("select_cursor", "toggle_node", "toggle_expand_all")
        ),
        Binding("enter", "select_cursor", "Open", id="open", tooltip="Open the module, or fold the track or category"),
    ]
    ICON_NODE = "▸ "
    ICON_NODE_EXPANDED = "▾ "

    def __init__(self, **kwargs) -> None:
        super().__init__("Curriculum", **kwargs)
        self.show_root = False
        self.guide_depth = 2
        self._by_key: dict[str, TreeNode[NavNode]] = {}

    # -- data ---------------------------------------------------------------------------------------

    def show_tracks(self, tracks: list[TrackProgress], expand_tracks: bool = True) -> None:
        """Show `tracks`; relabel in place when the shape is the same, so folds and cursor stay."""
        shape = [(t.id, [(c.id, [m.id for m in c.modules]) for c in t.categories]) for t in tracks]
        if shape == getattr(self, "_tree_shape", None):
            for track in tracks:
                self._by_key[track.id].data.counts = track
                for category in track.categories:
                    self._by_key[f"{track.id}/{category.id}"].data.counts = category
                    for module in category.modules:
                        self._by_key[f"module:{module.id}"].data.counts = module
            self._invalidate()
            return
        expanded = {key for key, node in self._by_key.items() if node.is_expanded}
        cursor = self.cursor_node.data.key if self.cursor_node and self.cursor_node.data else None
        first = not self._by_key
        self._tree_shape = shape
        self.clear()
        self._by_key = {}
        for track in tracks:
            t_node = self.root.add(track.title, NavNode("track", track.id, track))
            self._by_key[track.id] = t_node
            for category in track.categories:
                key = f"{track.id}/{category.id}"
                c_node = t_node.add(category.title, NavNode("category", key, category))
                self._by_key[key] = c_node
                for module in category.modules:
                    m_node = c_node.add_leaf(module.title, NavNode("module", module.id, module))
                    self._by_key[f"module:{module.id}"] = m_node
                if key in expanded:
                    c_node.expand()
            if (first and expand_tracks) or track.id in expanded:
                t_node.expand()
        if cursor is not None:
            self.select_key(cursor)
        elif first:
            self.cursor_line = 0

    def select_key(self, key: str) -> bool:
        """Move the cursor to a track id, 'track/category' or a module id (unfolding its parents)."""
        node = self._by_key.get(key) or self._by_key.get(f"module:{key}")
        if node is None:
            return False
        parent = node.parent
        while parent is not None:
            parent.expand()
            parent = parent.parent
        self.call_after_refresh(self.move_cursor, node)
        return True

    # -- rendering -----------------------------------------------------------------------------------

    def _label_width(self, node: TreeNode[NavNode]) -> int:
        depth = {"track": 0, "category": 1, "module": 2}[node.data.kind] if node.data else 0
        icon = 0 if node.data and node.data.kind == "module" else len(self.ICON_NODE)
        width = self.scrollable_content_region.width or 60
        return max(20, width - depth * self.guide_depth - icon - 1)

    def render_label(self, node: TreeNode[NavNode], base_style: Style, style: Style) -> Text:
        if node.data is None:
            return super().render_label(node, base_style, style)
        bar_width = max(6, min(25, (self.scrollable_content_region.width - 12) // 3))
        label = self._fitted_label(node.data, node._label.plain, self._label_width(node), bar_width)
        label.stylize(style)
        if node.allow_expand:
            icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
            return Text.assemble((icon, base_style + Style(dim=True)), label)
        return label

    def get_label_width(self, node: TreeNode[NavNode]) -> int:
        return self._label_width(node) + (0 if node.data and node.data.kind == "module" else len(self.ICON_NODE))

    @staticmethod
    def _fitted_label(data: NavNode, title: str, width: int, bar_width: int) -> Text:
        counts = data.counts
        if data.kind == "module":
            tally = f"{counts.items_done}/{counts.items_total}" if counts.items_total else "–"
            ident = f"{data.key} " if data.key[:1].isdigit() else ""
            name_width = width - 3 - len(tally) - 1
            return Text.assemble(
                status_mark(MODULE_STATUS[counts.status] if counts.items_total else "todo"),
                " ",
                (fit(f"{ident}{title}", name_width), ""),
                " ",
                (tally, "dim"),
            )
        name_width = width - bar_width - 6
        name_style = "bold" if data.kind == "track" else ""
        bar = progress_bar(counts.fraction, counts.status, bar_width)
        return Text.assemble((fit(title, name_width), name_style), " ", bar)

    def on_resize(self) -> None:
        width = self.scrollable_content_region.width
        if width != getattr(self, "_labelled_width", None):  # labels fit the width: redo them only then
            self._labelled_width = width
            self._invalidate()
