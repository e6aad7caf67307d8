"""The design picker and each design's options, generated from the designs' declared Options."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W

from ...core.designs import design_classes
from ...core.designs.base import MAX_N, Design, Option, json_value
from ...core.errors import Problem
from .common import Notifier, message_area, show_messages
from .sample_size import SharedSampleSize, default_sample_size, has_max_n, split_shared


class OptionField:
    """One option's widget, and its value as a protocol file would hold it (None: use the default)."""

    def __init__(self, option: Option, where: str = "design", free: bool = False) -> None:
        self.option = option
        self.where = where  # the protocol object holding the option, for problems' field paths
        # free text (empty: the default) for defaults computed from the target or ladder, lists, and options the
        # caller leaves empty by default (a design's max_n: empty takes the shared sample size)
        self.free = free or option.default is None or option.default_from_target is not None or \
            option.kind == "floats"
        kw: dict[str, Any] = {"description": option.title, "tooltip": option.help,
                              "layout": W.Layout(width="100%"), "style": {"description_width": "13em"}}
        if self.free:
            self.widget = W.Text(value="", placeholder=f"default: {option.describe_default()}", **kw)
        elif option.kind == "bool":
            self.widget = W.Checkbox(value=bool(option.default), indent=True, **kw)
        elif option.kind == "choice":
            self.widget = W.Dropdown(options=[(option.choice_title(c), c) for c in option.choices],
                                     value=option.default, **kw)
        elif option.kind == "int":
            self.widget = W.IntText(value=int(option.default), **kw)
        else:
            self.widget = W.FloatText(value=float(option.default), **kw)
        self.box = W.VBox([self.widget, W.HTML(f'<span class="p1x-note">{html.escape(option.help)}</span>',
                                               layout=W.Layout(margin="0 0 4px 13.5em"))])

    def value(self) -> tuple[Any, Problem | None]:
        """(value or None for the default, problem if the text cannot be read)."""
        o, v = self.option, self.widget.value
        if not self.free:
            return v, None
        text = v.strip()
        if not text:
            return None, None
        try:
            if o.kind == "floats":
                return [float(s) for s in text.replace(";", ",").split(",") if s.strip()], None
            if o.kind == "int":
                return int(text), None
            if o.kind == "float":
                return float(text), None
            if o.kind == "bool":
                return text.lower() in ("true", "yes", "1"), None
            return text, None
        except ValueError:
            return None, Problem(f"{self.where}.{o.name}", f'"{text}" cannot be read; give {o.bounds_text()}.')

    def set(self, value: Any) -> None:
        """Show a value from a protocol (None: the default)."""
        if self.free:
            self.widget.value = "" if value is None else (
                ", ".join(json_value(x) for x in value) if isinstance(value, (list, tuple)) else
                (value if isinstance(value, str) else json_value(value)))
        else:
            self.widget.value = self.option.default if value is None else value


def read_fields(fields: list[OptionField]) -> tuple[dict[str, Any], list[Problem]]:
    """The options typed in these fields (those left empty are omitted, to take their defaults), and problems."""
    out: dict[str, Any] = {}
    problems = []
    for f in fields:
        v, p = f.value()
        if p is not None:
            problems.append(p)
        elif v is not None:
            out[f.option.name] = v
    return out, problems


class DesignForm:
    """The options of one design, with a message area for its problems. Its maximum sample size follows the one
    shared by every design until the user types another there (the design is then "set apart")."""

    def __init__(self, cls: type[Design]) -> None:
        self.cls = cls
        self.fields = [OptionField(o) for o in cls.options]
        self.size = next((f for f in self.fields if f.option.name == MAX_N.name), None)
        self.synced: int | None = None  # the shared size last written into `size` (None: not yet; -1: set apart)
        self.message = message_area()
        body = [f.box for f in self.fields] or [W.HTML('<span class="p1x-note">No options.</span>')]
        self.widget = W.VBox([W.HTML(f'<span class="p1x-note">{cls.summary}</span>'), *body, self.message])

    def spec(self) -> tuple[dict[str, Any], list[Problem]]:
        """The protocol's `design` object (only options that are not left to their defaults)."""
        options, problems = read_fields(self.fields)
        return {"method": self.cls.method, **options}, problems

    def load(self, options: dict[str, Any]) -> None:
        """Show a protocol's options (others back to their defaults); a maximum sample size given is this design's
        own, else it follows the shared one."""
        for f in self.fields:
            f.set(options.get(f.option.name))
        self.synced = -1 if MAX_N.name in options else None

    def follow(self, shared: int) -> None:
        """Take the shared maximum sample size, unless set apart (the box holds a value the user typed)."""
        if self.size is None:
            return
        if self.synced is None or self.size.widget.value == self.synced:
            self.size.widget.value = shared
            self.synced = shared
        self.size.widget.tooltip = f"{MAX_N.help}; every design: {shared} unless you type another here"


class LazyForms(dict):
    """Each design's form, built the first time it is asked for: a page shows the forms of the picked designs only,
    and building every design's options (about 700 widget models) would slow every page's start for nothing."""

    def __init__(self, classes: dict[str, type[Design]], on_build: Any) -> None:
        super().__init__()
        self.classes, self.on_build = classes, on_build

    def __missing__(self, method: str) -> DesignForm:
        form = self[method] = DesignForm(self.classes[method])
        self.on_build(form)
        return form


class DesignControls(Notifier):
    """Pick one or several designs to compare; each picked design shows its options; one maximum sample size for
    all of them unless one is set apart."""

    def __init__(self, picked: list[str]) -> None:
        self.classes = design_classes()
        self.forms = LazyForms(self.classes, self._watch)
        self.checks = {m: W.Checkbox(value=m in picked, description=c.short_title(), indent=False,
                                     tooltip=f"{c.title}: {c.summary}", layout=W.Layout(width="auto"))
                       for m, c in self.classes.items()}
        self.shared = SharedSampleSize()
        self.options = W.Accordion()
        self.message = message_area()
        self.context = (4, 0.25)  # the ladder's size and the target of the last reading (the default sample size)
        self.shared_problems: list[Problem] = []
        super().__init__()
        for m, cb in self.checks.items():
            cb.observe(self._on_pick, names="value")
            cb.add_class("p1x-design-" + "".join(ch if ch.isalnum() else "-" for ch in m))
        self.shared.text.observe(lambda _: self._changed(), names="value")
        self._show_forms()
        self.widget = W.VBox([W.HTML('<span class="p1x-note">Tick several to compare them on the same simulated '
                                     'patients.</span>'),
                              W.VBox(list(self.checks.values())), self.shared.widget, self.message, self.options])

    def picked(self) -> list[str]:
        """The ticked designs' methods, in the catalogue's order."""
        return [m for m, cb in self.checks.items() if cb.value]

    def default_size(self) -> int:
        """The shared maximum sample size when none is typed: the first picked design's."""
        picked = self.picked()
        if not picked:
            return int(MAX_N.default)
        first = self.forms[picked[0]]
        options, _ = read_fields(first.fields)
        return default_sample_size(first.cls, options, *self.context)

    def specs(self, n_doses: int | None = None, target: float | None = None) -> list[tuple[dict[str, Any],
                                                                                           list[Problem]]]:
        """Each picked design's protocol `design` object, with problems reading its fields; the designs not set
        apart take the shared maximum sample size first (a problem with it is kept in `shared_problems`)."""
        if n_doses is not None and target is not None:
            self.context = (n_doses, target)
        picked = self.picked()
        shared, problem = self.shared.read(self.default_size(),
                                           self.classes[picked[0]].short_title() if picked else "")
        self.shared_problems = [problem] if problem is not None else []
        with self.quietly():
            for m in picked:
                self.forms[m].follow(shared)
        return [self.forms[m].spec() for m in picked]

    def load(self, designs: list[tuple[str, dict[str, Any]]]) -> None:
        """Pick only these designs (method, options), each form showing its options (a preset, an uploaded
        protocol and its compare list); equal maximum sample sizes become the shared one."""
        given = dict(designs)
        chosen = {m: given[m] for m in self.classes if m in given}  # in the catalogue's order, as picked() is
        with self.quietly():
            for m, cb in self.checks.items():
                cb.value = m in chosen
            for m, options in chosen.items():
                self.forms[m].load({k: v for k, v in options.items() if k != MAX_N.name})
            shared, own = split_shared([(self.classes[m], o) for m, o in chosen.items()], self.default_size())
            self.shared.set(shared)
            for m, mine in zip(chosen, own):
                if mine is not None:
                    self.forms[m].load({**chosen[m], MAX_N.name: mine})
            self._show_forms()
        self._changed()

    def _watch(self, form: DesignForm) -> None:
        for f in form.fields:
            f.widget.observe(lambda _: self._changed(), names="value")

    def _on_pick(self, _: dict) -> None:
        if not self._quiet:
            self._show_forms()
        self._changed()

    def _show_forms(self) -> None:
        picked = self.picked()
        self.options.children = [self.forms[m].widget for m in picked]
        for i, m in enumerate(picked):
            self.options.set_title(i, f"{self.classes[m].short_title()}: options")
        self.shared.show(any(has_max_n(self.classes[m]) for m in picked))

    def show_problems(self, by_design: dict[int, list[str]], general: list[str]) -> None:
        """Messages under each picked design's options (by its place among the picked), and above them for the
        picker and the shared sample size."""
        picked = self.picked()
        for m, form in self.forms.items():
            show_messages(form.message, by_design.get(picked.index(m), []) if m in picked else [])
        unplaced = [msg for i, msgs in by_design.items() if i >= len(picked) for msg in msgs]  # e.g. none ticked
        show_messages(self.message, general + unplaced)
