"""Weight initialisations the runner applies before a proxy runs, registered by name.

- ``kaiming`` (the default of every family): convolution and linear weights
  :math:`\\mathcal{N}(0, 2/\\text{fan\\_in})` (Kaiming normal, fan-in, ReLU gain), biases 0.
- ``gaussian``: convolution and linear weights :math:`\\mathcal{N}(0, 1)`, biases 0, as Zen-NAS prescribes
  (its score reads how far the batch-norm variances grow through an un-normalised network).

Both set batch-norm weight 1 and bias 0 and reset the running statistics.
"""

from __future__ import annotations

from collections.abc import Callable

from torch import nn

from tgnas.registry import Registry

INITS: Registry[Callable[[nn.Module], nn.Module]] = Registry("proxy initialisation")


def _reset_norms(module: nn.Module) -> None:
    if isinstance(module, nn.BatchNorm2d | nn.BatchNorm1d):
        if module.affine:
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)
        module.reset_running_stats()


@INITS.register("kaiming")
def initialise(model: nn.Module) -> nn.Module:
    """In place: Kaiming-normal (fan-in, ReLU) conv/linear weights, zero biases, BN weight 1 and bias 0."""
    for m in model.modules():
        if isinstance(m, nn.Conv2d | nn.Linear):
            nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        _reset_norms(m)
    return model


@INITS.register("gaussian")
def gaussian_initialise(model: nn.Module) -> nn.Module:
    """In place: standard-normal conv/linear weights, zero biases, BN weight 1 and bias 0."""
    for m in model.modules():
        if isinstance(m, nn.Conv2d | nn.Linear):
            nn.init.normal_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        _reset_norms(m)
    return model
