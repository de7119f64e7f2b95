"""Resumable SAE training: SAELens's ``SAETrainer`` with checkpoints in safetensors and JSON.

SAELens's own trainer checkpoints its state with ``torch.save`` (a pickle); ours writes the
same state as tensors (``state.safetensors``: SAE weights, Adam moments, dead-latent
statistics) and plain JSON (step counts, optimiser settings, schedulers), and keeps one
checkpoint folder that each save replaces. A rerun with the same settings restores it and
fast-forwards the data stream by the batches already seen, so it continues where it stopped.
"""

from __future__ import annotations

from pathlib import Path

import torch
from sae_lens import SAETrainer

from .. import checkpoints
from ..errors import PersonaProbeError


class SteppedTrainer(SAETrainer):
    """An ``SAETrainer`` whose progress bar moves every step (SAELens's moves every 100 steps, so a short
    run's bar stayed at 0 until the end)."""

    def _update_pbar(self, step_output, pbar, update_interval: int = 100) -> None:
        super()._update_pbar(step_output, pbar, update_interval=1)


class CheckpointingTrainer(SteppedTrainer):
    """An ``SAETrainer`` that saves to and restores from ``folder`` without pickles."""

    def __init__(self, cfg, sae, data_provider, folder: Path, run_key: dict):
        super().__init__(cfg, sae, data_provider)
        self.folder, self.run_key = Path(folder), run_key

    def save_checkpoint(self, checkpoint_name: str, base_path=None) -> None:  # noqa: ARG002 (SAELens's signature)
        if self.activation_scaler.scaling_factor is not None or self.activation_scaler.whitening is not None:
            raise PersonaProbeError("checkpoints support normalize_activations='none' only")
        optimizer = self.optimizer.state_dict()
        tensors = {f"sae.{k}": v for k, v in self.sae.state_dict().items()}
        for index, state in optimizer["state"].items():
            for key, value in state.items():
                tensors[f"optimizer.{index}.{key}"] = value if torch.is_tensor(value) else torch.tensor(value)
        tensors["act_freq_scores"] = self.act_freq_scores
        tensors["n_forward_passes_since_fired"] = self.n_forward_passes_since_fired
        checkpoints.save_checkpoint(self.folder, tensors, {
            "run": self.run_key, "n_training_samples": self.n_training_samples,
            "n_training_steps": self.n_training_steps, "n_frac_active_samples": self.n_frac_active_samples,
            "started_fine_tuning": self.started_fine_tuning, "param_groups": optimizer["param_groups"],
            "lr_scheduler": self.lr_scheduler.state_dict(),
            "coefficient_schedulers": {k: s.state_dict() for k, s in self.coefficient_schedulers.items()},
        })

    def restore(self) -> int:
        """Load the checkpoint if it is of this run; returns the batches it had consumed (0 without one)."""
        found = checkpoints.load_checkpoint(self.folder, self.run_key, device=str(self.cfg.device))
        if found is None:
            return 0
        tensors, info = found
        self.sae.load_state_dict({k[4:]: v for k, v in tensors.items() if k.startswith("sae.")})
        state: dict[int, dict] = {}
        for key, value in tensors.items():
            if key.startswith("optimizer."):
                _, index, name = key.split(".", 2)
                state.setdefault(int(index), {})[name] = value.cpu() if name == "step" else value
        groups = [{**g, "betas": tuple(g["betas"])} for g in info["param_groups"]]
        self.optimizer.load_state_dict({"state": state, "param_groups": groups})
        self.lr_scheduler.load_state_dict(info["lr_scheduler"])
        for name, scheduler_state in info["coefficient_schedulers"].items():
            self.coefficient_schedulers[name].load_state_dict(scheduler_state)
        self.act_freq_scores = tensors["act_freq_scores"]
        self.n_forward_passes_since_fired = tensors["n_forward_passes_since_fired"]
        self.n_training_samples = info["n_training_samples"]
        self.n_training_steps = info["n_training_steps"] + 1  # saved inside a step, before fit() counted it
        self.n_frac_active_samples = info["n_frac_active_samples"]
        self.started_fine_tuning = info["started_fine_tuning"]
        self.checkpoint_thresholds = [t for t in self.checkpoint_thresholds if t >= self.n_training_samples]
        return self.n_training_samples // self.cfg.train_batch_size_samples
