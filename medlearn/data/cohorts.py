"""Real patient cohorts with follow-up times, as the prognosis chapter and its exercises use them.

The five data sets ship inside scikit-survival (installed with the course, never
copied into it), so they load offline. :data:`COHORTS` says for each where it
comes from, how many patients and events it holds, what the event is, in which
unit time is counted, and under which terms it is distributed.

Example:
    >>> cohort = load_cohort("gbsg2")
    >>> cohort.features.shape, int(cohort.event.sum()), cohort.time_unit
    ((686, 8), 299, 'days')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

import numpy as np
import pandas as pd

from .._validation import check_choice

__all__ = ["COHORTS", "Cohort", "CohortInfo", "load_cohort"]


@dataclass(frozen=True)
class CohortInfo:
    """What a cohort is: its loader in ``sksurv.datasets``, size, endpoint, source and terms."""

    loader: str
    title: str
    patients: int
    events: int
    endpoint: str
    time_unit: str
    source: str
    terms: str
    #: What its members are called: patients, or people (a population sample).
    members: str = "patients"


#: The cohorts of the prognosis chapter, by name. Sizes are checked on loading (tests/library/test_survival.py).
COHORTS: Mapping[str, CohortInfo] = MappingProxyType(
    {
        "gbsg2": CohortInfo(
            loader="load_gbsg2",
            title="German Breast Cancer Study Group 2: node-positive breast cancer",
            patients=686,
            events=299,
            endpoint="recurrence or death (recurrence-free survival)",
            time_unit="days",
            source="Schumacher et al., J Clin Oncol 1994;12:2086-2093; the data as in R's TH.data package",
            terms="R package TH.data, GPL-3 (no separate licence for the data is stated)",
        ),
        "whas500": CohortInfo(
            loader="load_whas500",
            title="Worcester Heart Attack Study: patients admitted with an acute myocardial infarction",
            patients=500,
            events=215,
            endpoint="death from any cause",
            time_unit="days",
            source="Hosmer, Lemeshow and May, Applied Survival Analysis, 2nd ed., Wiley 2008 (the book's data)",
            terms="published with the textbook for teaching; no licence is stated",
        ),
        "veterans": CohortInfo(
            loader="load_veterans_lung_cancer",
            title="Veterans' Administration lung cancer trial: standard against test chemotherapy, randomised",
            patients=137,
            events=128,
            endpoint="death",
            time_unit="days",
            source="Kalbfleisch and Prentice, The Statistical Analysis of Failure Time Data, Wiley 2002",
            terms="as in R's survival package (LGPL-2 or later); no separate licence for the data is stated",
        ),
        "flchain": CohortInfo(
            loader="load_flchain",
            title="Serum free light chains: a sample of residents aged 50 or more of Olmsted County, Minnesota",
            patients=7874,
            events=2169,
            endpoint="death from any cause",
            time_unit="days",
            source="Dispenzieri et al., Mayo Clin Proc 2012;87:517-523; the data as in R's survival package",
            terms="as in R's survival package (LGPL-2 or later); no separate licence for the data is stated",
            members="people",
        ),
        "gse7390": CohortInfo(
            loader="load_breast_cancer",
            title="TRANSBIG: node-negative breast cancer, 76 gene-expression values and 4 clinical variables",
            patients=198,
            events=51,
            endpoint="distant metastasis",
            time_unit="days",
            source="Desmedt et al., Clin Cancer Res 2007;13:3207-3214; NCBI GEO accession GSE7390",
            terms="NCBI GEO: no restrictions placed by NCBI; submitters may hold rights (GEO's disclaimer)",
        ),
    }
)


@dataclass(frozen=True)
class Cohort:
    """One cohort: a feature table, each patient's event indicator and follow-up time, and its description.

    ``outcome`` is the structured array scikit-survival's models and metrics take. ``event`` and ``time``
    are read-only: copy them to change them.
    """

    name: str
    features: pd.DataFrame
    event: np.ndarray
    time: np.ndarray
    info: CohortInfo

    @property
    def time_unit(self) -> str:
        return self.info.time_unit

    @property
    def outcome(self) -> np.ndarray:
        from sksurv.util import Surv

        return Surv.from_arrays(self.event, self.time)

    def describe(self) -> str:
        """One line: title, size, events, endpoint and source.

        Example:
            >>> print(load_cohort("veterans").describe())  # doctest: +ELLIPSIS
            veterans: Veterans' Administration lung cancer trial... 137 patients, 128 deaths (93 %)...
        """
        share = self.event.mean() * 100
        return (
            f"{self.name}: {self.info.title}. {len(self.time)} {self.info.members}, {int(self.event.sum())} "
            f"{'deaths' if self.info.endpoint.startswith('death') else 'events'} ({share:.0f} %), "
            f"endpoint: {self.info.endpoint}, time in {self.info.time_unit}. Source: {self.info.source}."
        )


def load_cohort(name: str) -> Cohort:
    """A cohort of :data:`COHORTS`, loaded from scikit-survival's copy, with its size checked.

    Categorical columns stay pandas categories (scikit-survival's
    ``OneHotEncoder`` or ``pd.get_dummies`` turn them into numbers); missing
    values stay missing (FLCHAIN has them).

    Args:
        name: ``"gbsg2"``, ``"whas500"``, ``"veterans"``, ``"flchain"`` or ``"gse7390"``.

    Raises:
        ValueError: an unknown name, or a copy whose size differs from :data:`COHORTS`.

    Example:
        >>> flchain = load_cohort("flchain")
        >>> int(flchain.features["creatinine"].isna().sum())
        1350
    """
    info = COHORTS[check_choice(name, "name", tuple(COHORTS))]
    features, event, time = _read(name)
    return Cohort(name, features.copy(), event, time, info)  # the caller's own table; event and time are read-only


@cache
def _read(name: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """scikit-survival's copy of a cohort, checked; read once per process (the package's files do not change)."""
    info = COHORTS[name]
    import sksurv.datasets

    features, outcome = getattr(sksurv.datasets, info.loader)()
    event_field, time_field = outcome.dtype.names
    if outcome.dtype[event_field].kind != "b" or outcome.dtype[time_field].kind not in "iuf":
        raise ValueError(f"name {name!r}: scikit-survival's copy is not (event, time) as this course expects")
    event, time = outcome[event_field].astype(bool), outcome[time_field].astype(float)
    event.setflags(write=False)
    time.setflags(write=False)
    if len(time) != info.patients or int(event.sum()) != info.events:
        raise ValueError(
            f"name {name!r}: scikit-survival's copy has {len(time)} patients and {int(event.sum())} events, "
            f"not the {info.patients} and {info.events} this course was written for"
        )
    return features.reset_index(drop=True), event, time
