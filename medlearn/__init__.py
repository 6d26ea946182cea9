"""medlearn: helpers for the course on machine learning for medical image analysis.

The teaching happens in the notebooks; this package holds what a learner should
not have to retype: data loading (:mod:`medlearn.data`) and plotting
(:mod:`medlearn.plotting`).
"""

__version__ = "0.1.0"
