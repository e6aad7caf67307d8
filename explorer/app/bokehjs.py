"""Load BokehJS into the page with only the bundles the app uses, never from a CDN."""

from __future__ import annotations

import os

COMPONENTS = ("bokeh", "bokeh-widgets", "bokeh-tables")
#: Set by `phase1-explorer serve`, whose page template loads BokehJS from the server itself (cached by the browser).
PAGE_LOADS_BOKEHJS = "PHASE1_EXPLORER_PAGE_LOADS_BOKEHJS"


def load_bokehjs(components: tuple[str, ...] = COMPONENTS) -> None:
    """Publish the BokehJS bundles as one JavaScript output (2 MB instead of output_notebook's 8 MB), unless the
    page already loads them (under `serve`)."""
    if os.environ.get(PAGE_LOADS_BOKEHJS):
        return
    from bokeh.resources import Resources
    from IPython.display import Javascript, display

    res = Resources(mode="inline", components=list(components))
    # UMD bundles attach to `this`; Lab and Voila run JS outputs with this === undefined.
    display(Javascript("\n".join(f"(function() {{ {code}\n}}).call(window);" for code in res.js_raw)))
