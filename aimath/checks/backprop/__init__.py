"""Hidden-test checks for backprop, by part: the functions (activations), the layers, the network.

Each `check_*` takes the student's function or class and raises `CheckFailed`. Classes are judged through probes:
construct the layer (or network) with seeded parameters, run forward, run backward with a seeded upstream gradient
`dout`, and return the outputs and gradients as a dict of arrays. Every gradient is compared with the reference AND
with central differences (aimath.gradcheck) of the student's own forward pass; when a gradient is wrong the message
names the worst-offending one and its relative error.

Student code runs with quiet numerics (`judge.quietly`): an overflowing softmax gives nan, which the check then
explains, instead of a warning on stderr.
"""
from aimath.checks.backprop.activations import (check_cross_entropy_error, check_sigmoid, check_sigmoid_grad,
                                                check_softmax)
from aimath.checks.backprop.layers import check_Affine, check_Relu, check_Sigmoid, check_SoftmaxWithLoss
from aimath.checks.backprop.network import check_TwoLayerNet

CHECKS = {
    "sigmoid": check_sigmoid,
    "sigmoid_grad": check_sigmoid_grad,
    "softmax": check_softmax,
    "cross_entropy_error": check_cross_entropy_error,
    "Affine": check_Affine,
    "Relu": check_Relu,
    "Sigmoid": check_Sigmoid,
    "SoftmaxWithLoss": check_SoftmaxWithLoss,
    "TwoLayerNet": check_TwoLayerNet,
}
