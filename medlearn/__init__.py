"""medlearn: helpers for the course on machine learning for medical image analysis.

The teaching happens in the notebooks; this package holds what a learner should
not have to retype:

- :mod:`medlearn.data`: MedMNIST files (md5-checked), CHASE_DB1 and BCCD (sha256 of every file), DICOM, HU, cohorts;
- :mod:`medlearn.colours`: the colour-blind-safe palette every figure uses;
- :mod:`medlearn.plotting`: image montages, examples per class, and the plotting convention;
- :mod:`medlearn.filters`: correlation and convolution written out, classic kernels;
- :mod:`medlearn.features`: a hand-crafted feature table built on scikit-image;
- :mod:`medlearn.svm`: an SVM's margin width and its 2-D decision plot;
- :mod:`medlearn.models`: a compact CNN and U-Net, losses for rare pixels, augmentation, training curves (Keras 3);
- :mod:`medlearn.metrics`: clinical metrics, thresholds for a target, bootstrap intervals;
- :mod:`medlearn.metric_plots`: ROC, precision-recall and calibration figures;
- :mod:`medlearn.grading`: ordinal grades: kappa and AUCs, cumulative targets, cut points, referable decisions;
- :mod:`medlearn.claims`: a chapter's claims about its results: strict under the tests, a warning for a learner;
- :mod:`medlearn.quiz`: end-of-chapter quizzes: answers judged with targeted hints, a score, and static text;
- :mod:`medlearn.choice`: multiple-choice answers read and judged, a hint per wrong letter (quizzes and checks);
- :mod:`medlearn.reporting`: a model card as Markdown, with no section left empty;
- :mod:`medlearn.scale`: images in a chunked Zarr store, and the feature table computed chunk by chunk with Dask;
- :mod:`medlearn.saliency`: Grad-CAM, its sanity check, and heatmap overlays (Keras 3);
- :mod:`medlearn.segmentation`: metrics of masks: Dice, IoU, pixel metrics inside a region, percentile Hausdorff;
- :mod:`medlearn.active`: active learning from a pool: uncertainty or random queries, and the learning curve;
- :mod:`medlearn.detection`: boxes: IoU, non-maximum suppression, COCO's mAP (as pycocotools), FROC, counts;
- :mod:`medlearn.generative`: synthetic against real images, in features: Fréchet distance, precision, recall;
- :mod:`medlearn.survival`: time to an event: Kaplan-Meier, Harrell's C, bootstrap intervals over patients;
- :mod:`medlearn.cox`: a Cox model's information, Schoenfeld residuals and the test of proportional hazards;
- :mod:`medlearn.reconstruction`: CT's back-projection (as iradon) and photon noise; MR's k-space and its masks;
- :mod:`medlearn.fundus`: fundus photographs: the field of view, a network's input (green channel, CLAHE), patches;
- :mod:`medlearn.volumes`: 3-D images: world coordinates, DICOM slice order, shape features of masks;
- :mod:`medlearn.registration`: similarity measures, a transform applied in world coordinates, TRE, the Jacobian;
- :mod:`medlearn.pet`: a PET image's body-weight SUV from its own DICOM header, refusing what it cannot compute;
- :mod:`medlearn.privacy`: DICOM de-identification by PS3.15's profile, the IODs' attribute types, leftovers;
- :mod:`medlearn.deploy`: a bundle with hashed files, DICOM checks, a Structured Report, the service, its audit log;
- :mod:`medlearn.classroom`: a class's exercise notebooks graded, each run apart, into a gradebook CSV;
- :mod:`medlearn.check`: the exercise checks (a learner's answer against the expected one, with hints);
- :mod:`medlearn.doctor`: the machine check: is this machine ready for the course? (``python -m medlearn doctor``);
- :mod:`medlearn.cli`: the command line, ``python -m medlearn data ...``, ``python -m medlearn doctor`` and
  ``python -m medlearn serve ...``.

Three words are kept apart: an *exercise check* (``medlearn.check``) marks a learner's answer; the
*machine check* (``medlearn.doctor``) says whether a computer is ready; *argument validation* (the
``check_*`` helpers of the private ``medlearn._validation``, shared by all modules) refuses a bad
argument with a ``ValueError`` that names it.
"""

__version__ = "0.36.0"
