"""The device options every command that loads a model shares, written once and composed into its config."""

from __future__ import annotations

from dataclasses import dataclass, field

# The weight dtypes --model-dtype takes (loading.DTYPES maps them to torch dtypes).
MODEL_DTYPES = ("auto", "float32", "bfloat16", "float16", "fp32", "bf16", "fp16")


@dataclass(frozen=True, kw_only=True)
class DeviceSettings:
    """Where a command runs."""

    device: str = "auto"
    """auto (CUDA when present), cpu, or cuda[:N]."""


@dataclass(frozen=True, kw_only=True)
class ModelSettings(DeviceSettings):
    """Where and how a command's model is loaded: one device, or split over several GPUs."""

    model_dtype: str = field(default="auto", metadata={"choices": MODEL_DTYPES})
    """Weights dtype: auto is bfloat16 on GPU and float32 on CPU."""
    device_map: str | None = None
    """Split the model over several GPUs with accelerate (instead of --device): auto, balanced, balanced_low_0, sequential, or a JSON file mapping module names to devices."""
    max_memory: str | None = None
    """Memory budget per device for --device-map, e.g. 0=70GiB,1=70GiB."""
