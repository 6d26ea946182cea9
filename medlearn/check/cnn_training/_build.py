"""The cnn_training chapter's build_from_table task: the exercise's network from its table, and the table of mistakes in
building it (each made by :func:`table_network` with one thing changed)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..._messages import tr
from ..core import Mistake, call, task

#: The table of the exercise, layer by layer after the input: (kind, output shape).
TABLE = (
    ("Conv2D", (None, 28, 28, 8)),
    ("BatchNormalization", (None, 28, 28, 8)),
    ("ReLU", (None, 28, 28, 8)),
    ("MaxPooling2D", (None, 14, 14, 8)),
    ("Conv2D", (None, 14, 14, 16)),
    ("BatchNormalization", (None, 14, 14, 16)),
    ("ReLU", (None, 14, 14, 16)),
    ("MaxPooling2D", (None, 7, 7, 16)),
    ("GlobalAveragePooling2D", (None, 16)),
    ("Dropout", (None, 16)),
    ("Dense", (None, 1)),
)
#: Its parameters: 3*3*1*8 + 8, 4*8, 3*3*8*16 + 16, 4*16, 16 + 1.
TABLE_PARAMETERS = 80 + 32 + 1168 + 64 + 17


def table_network(
    *,
    padding: str = "same",
    filters: tuple[int, int] = (8, 16),
    kernel: int = 3,
    head: str = "average",
    output: tuple[str, int] = ("sigmoid", 1),
    bias: bool = True,
    relu: str = "layer",
    sigmoid: str = "dense",
    channels: int = 1,
    momentum: float = 0.9,
    dropout: float = 0.3,
    dense_bias: bool = True,
    batch_norm: bool = True,
) -> Any:
    """The table's network (the right answer), or, with one option changed, a typical mistake in building it.

    ``head="no input"`` leaves out ``keras.Input``, ``head="flatten"`` flattens instead of pooling;
    ``sigmoid="layer"`` writes the sigmoid as a layer of its own (the same network), ``sigmoid="twice"`` adds one.

    Example:
        >>> table_network().count_params() == TABLE_PARAMETERS
        True
    """
    import keras

    layers = keras.layers
    stack = [keras.Input((28, 28, channels))] if head != "no input" else []
    for width in filters:
        stack.append(
            layers.Conv2D(width, kernel, padding=padding, use_bias=bias, activation="relu" if relu == "conv" else None)
        )
        if batch_norm:
            stack.append(layers.BatchNormalization(momentum=momentum))
        if relu == "layer":
            stack.append(layers.Activation("relu"))
        stack.append(layers.MaxPooling2D())
    stack.append(layers.Flatten() if head == "flatten" else layers.GlobalAveragePooling2D())
    stack.append(layers.Dropout(dropout))
    if sigmoid == "layer":  # Dense(1) then Activation("sigmoid"): the same network, written in two layers
        stack += [layers.Dense(1), layers.Activation("sigmoid")]
    else:
        stack.append(layers.Dense(output[1], activation=output[0], use_bias=dense_bias))
    if sigmoid == "twice":
        stack.append(layers.Activation("sigmoid"))
    return keras.Sequential(stack)


def _built(**options: Any) -> Any:
    return lambda: table_network(**options)


_NOT_A_MODEL = Mistake(
    "a list of layers",
    lambda: table_network().layers,
    lambda model: tr(
        "return a keras.Model (keras.Sequential or keras.Model(inputs, outputs)), not {kind}.",
        kind=type(model).__name__,
    ),
)
_NO_INPUT = Mistake(
    "no input",
    _built(head="no input"),
    tr(
        "the model does not know its input shape, so Keras cannot give its output shapes or count its "
        "parameters: begin with keras.Input((28, 28, 1))."
    ),
)
_INPUT_SHAPE = Mistake(
    "three channels",
    _built(channels=3),
    lambda shape: tr("the input is 28 x 28 pixels with 1 channel, (None, 28, 28, 1); yours is {shape}.", shape=shape),
)
_FLATTEN = Mistake(
    "flatten",
    _built(head="flatten"),
    tr(
        "Flatten keeps every position (7 x 7 x 16 = 784 numbers, and 785 weights in the dense layer); the table "
        "asks for GlobalAveragePooling2D, one average per feature map (16 numbers)."
    ),
)
_SOFTMAX_ONE = Mistake(
    "softmax over one unit",
    _built(output=("softmax", 1)),
    tr("a softmax over a single unit always gives 1, whatever the image: one output unit needs activation='sigmoid'."),
)
_SOFTMAX_TWO = Mistake(
    "softmax over two units",
    _built(output=("softmax", 2)),
    tr("the table asks for one unit with a sigmoid (the probability of pneumonia), not a softmax."),
)
_OUTPUT_SHAPE = Mistake(
    "two sigmoid units",
    _built(output=("sigmoid", 2)),
    lambda shape: tr("the output is one unit with a sigmoid, shape (None, 1); yours is {shape}.", shape=shape),
)
_FILTERS = Mistake(
    "16 and 32 filters",
    _built(filters=(16, 32)),
    lambda filters: tr(
        "the table's two convolutions have 8 and then 16 filters; yours have {filters}.", filters=filters
    ),
)
_KERNELS = Mistake(
    "5 x 5 kernels", _built(kernel=5), lambda sizes: tr("both kernels are 3 x 3; yours are {sizes}.", sizes=sizes)
)
_PADDING = Mistake(
    "no padding",
    _built(padding="valid"),
    tr(
        "without padding='same' each 3 x 3 convolution trims a pixel on every side (28 -> 26): the table keeps "
        "the size, so write Conv2D(..., padding='same')."
    ),
)
_RELU_IN_CONV = Mistake(
    "ReLU inside the convolution",
    _built(relu="conv"),
    tr(
        "activation='relu' inside Conv2D applies ReLU before batch normalisation; the table puts ReLU after it, "
        "as a layer of its own: keras.layers.Activation('relu')."
    ),
)
_NO_SIGMOID = Mistake(
    "linear output",
    _built(output=("linear", 1)),
    tr("the last layer is Dense(1, activation='sigmoid'): a probability between 0 and 1."),
)
_LAYER = Mistake(
    "no batch normalisation",
    _built(batch_norm=False),
    lambda index, want_kind, want_shape, got_kind, got_shape: tr(
        "layer {index} after the input should be {want_kind} with output {want_shape}; yours is {got_kind} with "
        "output {got_shape}.",
        index=index,
        want_kind=want_kind,
        want_shape=want_shape,
        got_kind=got_kind,
        got_shape=got_shape,
    ),
)
_LAYER_COUNT = Mistake(
    "sigmoid twice",
    _built(sigmoid="twice"),
    lambda count: tr(
        "the table has {layers} layers after the input; your model has {count}.", layers=len(TABLE), count=count
    ),
)
_MOMENTUM = Mistake(
    "Keras' momentum",
    _built(momentum=0.99),
    lambda momenta: tr("batch normalisation with momentum=0.9, as in the table; yours has {momenta}.", momenta=momenta),
)
_DROPOUT = Mistake(
    "dropout 0.5",
    _built(dropout=0.5),
    lambda rate: tr("dropout rate 0.3, as in the table; yours is {rate}.", rate=rate),
)
_NO_BIAS = Mistake(
    "convolutions without bias",
    _built(bias=False),
    tr("the table's convolutions keep their bias (Keras' default, use_bias=True): 24 parameters are missing."),
)
_PARAMETERS = Mistake(
    "dense layer without bias",
    _built(dense_bias=False),
    lambda count: tr(
        "the table's network has {want:,d} parameters; yours has {count:,d}.", want=TABLE_PARAMETERS, count=count
    ),
)


def _kind(layer: Any) -> str:
    name = type(layer).__name__
    if name == "Activation":
        return {"relu": "ReLU", "softmax": "Softmax", "sigmoid": "Sigmoid"}.get(layer.activation.__name__, name)
    return name


def _activation(layer: Any) -> str:
    return getattr(getattr(layer, "activation", None), "__name__", "")


@task(
    tr(
        "Write the table's rows in order with keras.layers: Conv2D, BatchNormalization, Activation('relu'), "
        "MaxPooling2D, twice, then GlobalAveragePooling2D, Dropout and Dense. model.summary() shows shapes and "
        "counts."
    ),
    tr(
        "keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3, padding='same'), "
        "keras.layers.BatchNormalization(momentum=0.9), keras.layers.Activation('relu'), "
        "keras.layers.MaxPooling2D(), ... , keras.layers.Dense(1, activation='sigmoid')])"
    ),
    mistakes=[
        _NOT_A_MODEL,
        _NO_INPUT,
        _INPUT_SHAPE,
        _FLATTEN,
        _SOFTMAX_ONE,
        _SOFTMAX_TWO,
        _OUTPUT_SHAPE,
        _FILTERS,
        _KERNELS,
        _PADDING,
        _RELU_IN_CONV,
        _NO_SIGMOID,
        _LAYER,
        _LAYER_COUNT,
        _MOMENTUM,
        _DROPOUT,
        _NO_BIAS,
        _PARAMETERS,
    ],
    reference=table_network,
)
def build_from_table(function: Any) -> None:
    import keras

    model = call(function)
    if not isinstance(model, keras.Model):
        raise _NOT_A_MODEL.wrong(model)
    try:
        output_shape = tuple(model.output_shape)
    except Exception:
        output_shape = None
    if output_shape is None or not model.built:
        raise _NO_INPUT.wrong()
    if tuple(model.input_shape) != (None, 28, 28, 1):
        raise _INPUT_SHAPE.wrong(model.input_shape)
    layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    last_activation = _activation(layers[-1]) if layers else ""
    if len(layers) > 1 and _kind(layers[-1]) == "Sigmoid" and _kind(layers[-2]) == "Dense":
        if _activation(layers[-2]) == "linear":  # Dense(1) then Activation("sigmoid"): the same network
            layers, last_activation = layers[:-1], "sigmoid"
    kinds = [_kind(layer) for layer in layers]
    if "Flatten" in kinds:
        raise _FLATTEN.wrong()
    last = layers[-1] if layers else None
    if "softmax" in (_activation(last), kinds[-1].lower()):
        if output_shape == (None, 1):
            raise _SOFTMAX_ONE.wrong()
        raise _SOFTMAX_TWO.wrong()
    if output_shape != (None, 1):
        raise _OUTPUT_SHAPE.wrong(output_shape)
    convs = [layer for layer in layers if type(layer).__name__ == "Conv2D"]
    if [layer.filters for layer in convs] != [8, 16]:
        raise _FILTERS.wrong([c.filters for c in convs])
    if any(tuple(layer.kernel_size) != (3, 3) for layer in convs):
        raise _KERNELS.wrong([tuple(c.kernel_size) for c in convs])
    if any(layer.padding != "same" for layer in convs):
        raise _PADDING.wrong()
    if any(_activation(layer) == "relu" for layer in convs):
        raise _RELU_IN_CONV.wrong()
    if last_activation != "sigmoid":
        raise _NO_SIGMOID.wrong()
    for index, ((want_kind, want_shape), layer) in enumerate(zip(TABLE, layers), start=1):
        got_kind, got_shape = _kind(layer), tuple(layer.output.shape)
        if got_kind != want_kind or got_shape != want_shape:
            raise _LAYER.wrong(index, want_kind, want_shape, got_kind, got_shape)
    if len(layers) != len(TABLE):
        raise _LAYER_COUNT.wrong(len(layers))
    momenta = [layer.momentum for layer in layers if type(layer).__name__ == "BatchNormalization"]
    if not np.allclose(momenta, 0.9):
        raise _MOMENTUM.wrong(momenta)
    if not np.isclose(layers[9].rate, 0.3):
        raise _DROPOUT.wrong(layers[9].rate)
    count = model.count_params()
    if count == TABLE_PARAMETERS - 24:
        raise _NO_BIAS.wrong()
    if count != TABLE_PARAMETERS:
        raise _PARAMETERS.wrong(count)
