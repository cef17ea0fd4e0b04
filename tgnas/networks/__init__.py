"""``torch.nn.Module`` builders for the search spaces' networks."""
