"""The fixed sets of names the package accepts, in a module that does not import TensorFlow,
so that the command line can check its arguments (and answer ``--help``) without loading it."""

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "maxout")
INITS = ("uniform", "glorot", "he")
OPTIMIZERS = ("sgd", "adam")
