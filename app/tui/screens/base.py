"""A screen over stored data: it reloads when the database changed, now if shown, else when shown again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

if TYPE_CHECKING:
    from app.tui.app import LearnApp


class DataScreen(Screen):
    loaded_generation = -1

    @property
    def learn(self) -> LearnApp:
        return self.app  # type: ignore[return-value]

    def load(self) -> None:
        """Read what the screen shows from the database and show it (fast: ms, on the UI thread)."""

    def reload(self) -> None:
        self.loaded_generation = self.learn.generation
        self.load()

    def on_screen_resume(self) -> None:
        if self.loaded_generation != self.learn.generation:
            self.reload()
