"""Tracing any ``torch.nn.Module`` into an operator graph (:mod:`tgnas.trace.tracer`), with the layer
descriptions of :mod:`tgnas.trace.ops`."""

from tgnas.trace.tracer import MAX_NODES, TracedGraph, TraceError, graph_from_module

__all__ = ["MAX_NODES", "TraceError", "TracedGraph", "graph_from_module"]
