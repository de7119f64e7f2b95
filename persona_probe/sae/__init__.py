"""Sparse autoencoders on cached activations, through SAELens.

* :mod:`.architectures`: which SAELens training class each ``--arch`` is, and its sparsity setting.
* :mod:`.data`: shuffled batches of one layer's activations, streamed shard by shard from a store.
* :mod:`.train`: ``persona-probe sae train``: SAELens's ``SAETrainer`` fed from a store, saved in
  SAELens's own format (``cfg.json`` + ``sae_weights.safetensors``), with metrics and the CE loss;
  :mod:`.checkpoint` makes it resumable without pickles.
* :mod:`.io`: open any SAELens folder; a latent's decoder row as a direction.
* :mod:`.splice`: the SAE spliced into the model (CE loss, attribution).
* :mod:`.diff`: ``sae diff``, model diffing with CIs and controls.
* :mod:`.attribution`: ``sae attribute``, activation x gradient to a behaviour score.
* :mod:`.examples`: ``sae examples``, top-activating token contexts.
* :mod:`.bench`: ``bench sae``, against SAELens's own training runner.
"""
