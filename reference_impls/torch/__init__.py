"""PyTorch references: short files, one idea each, tested against PyTorch's own operators.

Named `reference_impls.torch`; inside the package `import torch` is the real PyTorch (absolute imports).
"""
