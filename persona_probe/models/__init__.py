"""Load models: one spec grammar for Hub ids, folders, GGUF files, adapters and the embedded default.

* :mod:`.loading`: model specs, identities, and ``load_model`` (the only TransformerLens import);
* :mod:`.settings`: the device options every model-loading command shares;
* :mod:`.placement`: a model split over several GPUs (``--device-map``);
* :mod:`.distributed`: data-parallel runs under torchrun.
"""

from .loading import (
    SPEC_GRAMMAR,
    LoadedModel,
    ModelHandle,
    ModelIdentity,
    ModelSpec,
    load_hf_model,
    load_model,
    load_tokenizer,
    model_config,
    model_handle,
    parse_spec,
    resolve_device,
    resolve_dtype,
    wrap_hf_model,
)
from .settings import DeviceSettings, ModelSettings

__all__ = ["DeviceSettings", "LoadedModel", "ModelHandle", "ModelIdentity", "ModelSettings", "ModelSpec",
           "SPEC_GRAMMAR", "load_hf_model", "load_model", "load_tokenizer", "model_config", "model_handle",
           "parse_spec", "resolve_device", "resolve_dtype", "wrap_hf_model"]
