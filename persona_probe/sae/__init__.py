"""Sparse autoencoders on cached activations, through SAELens.

* :mod:`.architectures`: which SAELens training class each ``--arch`` is, and its sparsity setting.
* :mod:`.data`: shuffled batches of one layer's activations, streamed shard by shard from a store.
* :mod:`.train`: ``persona-probe sae train``: SAELens's ``SAETrainer`` fed from a store, saved in
  SAELens's own format (``cfg.json`` + ``sae_weights.safetensors``), with metrics.
"""
