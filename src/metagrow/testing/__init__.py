"""Contract checks that every plug-in must pass, like scikit-learn's ``check_estimator``.

Use from a test: ``check_domain(MyDomain())``, ``check_engine(lambda: MyEngine(seed=0))``,
``check_backend(lambda: MyBackend())``, ``check_guide(guide, grammar, base, tasks)``.
"""

from metagrow.testing._backend_checks import (
    check_backend,
    check_backend_matches_serial,
    check_backend_reports_every_task_once,
    check_backend_stops_when_closed,
)
from metagrow.testing._domain_checks import CheckResult, DomainReport, check_domain
from metagrow.testing._engine_checks import (
    check_engine,
    check_engine_finds_known_programs,
    check_engine_is_deterministic,
    check_engine_respects_budget,
    check_engine_yields_well_typed_solutions,
)
from metagrow.testing._exported import exported_outcome, load_exported
from metagrow.testing._guide_checks import (
    check_guide,
    check_guide_is_deterministic,
    check_guide_specs_rebuild_the_grammar,
)
from metagrow.testing._timing import Timing, timed

__all__ = [
    "CheckResult",
    "DomainReport",
    "Timing",
    "check_backend",
    "check_backend_matches_serial",
    "check_backend_reports_every_task_once",
    "check_backend_stops_when_closed",
    "check_domain",
    "check_engine",
    "check_engine_finds_known_programs",
    "check_engine_is_deterministic",
    "check_engine_respects_budget",
    "check_engine_yields_well_typed_solutions",
    "check_guide",
    "check_guide_is_deterministic",
    "check_guide_specs_rebuild_the_grammar",
    "exported_outcome",
    "load_exported",
    "timed",
]
