"""Sparse autoencoders on cached activations, through SAELens.

* :mod:`.architectures`: which SAELens training class each ``--arch`` is, and its sparsity setting.
* :mod:`.data`: shuffled batches of one layer's activations, streamed shard by shard from a store.
* :mod:`.train`: ``persona-probe sae train``: SAELens's ``SAETrainer`` fed from a store, saved in
  SAELens's own format (``cfg.json`` + ``sae_weights.safetensors``), with metrics and the CE loss;
  :mod:`.checkpoint` makes it resumable without pickles.
* :mod:`.io`: open any SAELens folder, and the layer it reads (a latent as a direction is
  :func:`persona_probe.directions.latent_direction`).
* :mod:`.splice`: the SAE spliced into the model (CE loss, attribution).
* :mod:`.diff`: ``sae diff``, model diffing with CIs and controls.
* :mod:`.attribution`: ``sae attribute``, activation x gradient to a behaviour score.
* :mod:`.examples`: ``sae examples``, top-activating token contexts.
* :mod:`.bench`: ``bench sae``, against SAELens's own training runner.
"""

from .attribution import SAEAttributeConfig, run_sae_attribute, sae_attribution
from .diff import SAEDiffConfig, run_sae_diff, sae_diff
from .examples import SAEExamplesConfig, run_sae_examples, sae_examples
from .io import load_sae, sae_layer
from .splice import SAESplice, splice_loss
from .train import SAETrainConfig, run_sae_train

__all__ = ["SAEAttributeConfig", "SAEDiffConfig", "SAEExamplesConfig", "SAESplice", "SAETrainConfig", "load_sae",
           "run_sae_attribute", "run_sae_diff", "run_sae_examples", "run_sae_train", "sae_attribution", "sae_diff",
           "sae_examples", "sae_layer", "splice_loss"]
