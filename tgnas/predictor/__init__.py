"""The GCN accuracy predictor: features, model, Lightning training, checkpoints.

Submodules import torch-geometric and Lightning; this package's ``__init__`` imports nothing heavy.
"""
