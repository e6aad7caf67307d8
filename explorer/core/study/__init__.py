"""Design studies: many scenarios × designs × settings in one run, as a map of the pipeline over cells.

- spec: the study file (a protocol file with a "study" object), validated with field paths;
- curves: the truths generators make (the MTD at each level, all safe, all toxic, pseudo-uniform random curves);
- cells: tasks (one scenario × setting, every design on common patients) and cells, their seeds and ids;
- execute: one task's rows, in this process or on Dask workers; run: a whole run, with resume and progress;
- table: the tidy results table (CSV, Parquet); summary: per design across scenarios (Markdown, JSON, CSV).
"""

from .cells import BENCHMARK, Task, tasks
from .execute import EXTRA, MissingExtra, Progress, run_task
from .run import StudyTable, run_study
from .spec import Scenario, Study, load_study, loads_study, study_from_dict
from .summary import as_csv, as_markdown, summarise

__all__ = ["BENCHMARK", "EXTRA", "MissingExtra", "Progress", "Scenario", "Study", "StudyTable", "Task", "as_csv",
           "as_markdown", "load_study", "loads_study", "run_study", "run_task", "study_from_dict", "summarise",
           "tasks"]
