"""Networks and their training, for the chapters from training a CNN to learning with few labels: one module per job.

- :mod:`medlearn.models.inputs`: images as a network's input, class weights;
- :mod:`medlearn.models.networks`: a compact CNN (2-D or 3-D) and a compact U-Net;
- :mod:`medlearn.models.losses`: losses for rare foreground pixels (soft Dice, weighted cross-entropy);
- :mod:`medlearn.models.centernet`: a small CenterNet detector: its targets, loss and decoding;
- :mod:`medlearn.models.autoencoder`: a compact convolutional autoencoder and its reconstruction error;
- :mod:`medlearn.models.vae`: a class-conditioned variational autoencoder, its sampling layer and KL term;
- :mod:`medlearn.models.transfer`: a self-supervised pretext task, pretrained weights copied, first blocks frozen;
- :mod:`medlearn.models.augment`: medically plausible random changes of training images;
- :mod:`medlearn.models.training`: the CNN-training chapter's training recipe (``RECIPE``, written once), for any
  network.

Every public name is importable from ``medlearn.models`` itself, as the notebooks do. Training
curves are drawn by :func:`medlearn.plotting.plot_history`. Keras 3 is imported when these
functions are first called, not when ``medlearn`` is imported, so the other chapters start without
TensorFlow.

Example:
    >>> from medlearn.models import RECIPE, small_cnn
    >>> RECIPE["batch_size"], small_cnn((28, 28, 1), n_classes=2).output_shape
    (64, (None, 1))
"""

from .augment import augmentation
from .autoencoder import reconstruction_error, small_autoencoder
from .centernet import centernet_loss, centernet_targets, decode_centernet, small_centernet
from .inputs import balanced_class_weight, to_network_input
from .losses import soft_dice_loss, weighted_binary_crossentropy
from .networks import small_cnn, small_unet
from .training import RECIPE, fit_small_cnn, train_binary
from .transfer import copy_weights, freeze_blocks, rotation_pretext
from .vae import conditional_vae, generate, kl_divergence, reparameterised_sample

__all__ = [
    "RECIPE",
    "augmentation",
    "balanced_class_weight",
    "centernet_loss",
    "centernet_targets",
    "conditional_vae",
    "copy_weights",
    "decode_centernet",
    "fit_small_cnn",
    "freeze_blocks",
    "generate",
    "kl_divergence",
    "reconstruction_error",
    "reparameterised_sample",
    "rotation_pretext",
    "small_autoencoder",
    "small_centernet",
    "small_cnn",
    "small_unet",
    "soft_dice_loss",
    "to_network_input",
    "train_binary",
    "weighted_binary_crossentropy",
]
