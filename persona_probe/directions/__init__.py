"""Step 4: find candidate directions: difference of means, per-layer probes, SAE latents.

* :mod:`.direction`: :class:`Direction` (``cfg.json`` + safetensors), difference of means, cosines;
* :mod:`.probes`: per-layer linear probes, k-fold and question-held-out;
* :mod:`.projection`: how far a fine-tune moves activations along a direction;
* :mod:`.spec`: the one direction spec (``DIR`` or ``SAE_DIR#latent=K``) and its resolver;
* :mod:`.adapter_view`: where a LoRA fine-tune writes a direction (its updates projected on it), and its
  writes as a direction (``adapter_directions``);
* :mod:`.commands`: ``probe`` and ``direction mean-diff | by-label | cosine | project | adapter-view |
  from-adapter``.
"""

from .adapter_view import LoraAdapter, adapter_directions, adapter_view, read_lora_adapter
from .direction import Direction, cosine_table, mean_difference, mean_difference_by_label, mean_difference_of_stores
from .probes import ProbeReport, fit_probes, read_labels
from .projection import projection_shift
from .spec import DIRECTION_GRAMMAR, direction_spec, latent_direction, resolve_direction

__all__ = ["DIRECTION_GRAMMAR", "Direction", "LoraAdapter", "ProbeReport", "adapter_directions", "adapter_view", "cosine_table",
           "direction_spec", "fit_probes", "latent_direction", "mean_difference", "mean_difference_by_label", "mean_difference_of_stores",
           "projection_shift", "read_labels", "read_lora_adapter", "resolve_direction"]
