"""medlearn: helpers for the course on machine learning for medical image analysis.

The teaching happens in the notebooks; this package holds what a learner should
not have to retype:

- :mod:`medlearn.data`: MedMNIST files (downloaded, md5-checked), DICOM examples, HU and windows;
- :mod:`medlearn.plotting`: montages, examples per class, SVM margins;
- :mod:`medlearn.filters`: correlation and convolution written out, classic kernels;
- :mod:`medlearn.features`: a hand-crafted feature table built on scikit-image;
- :mod:`medlearn.models`: a compact CNN, augmentation and training curves (Keras 3);
- :mod:`medlearn.check`: the exercise checks.
"""

__version__ = "0.1.0"
