"""Tiny random-init models with a small local tokenizer, built offline in seconds, and chat data to train them on."""

from __future__ import annotations

import json
from pathlib import Path

import torch

CHATML = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
_CORPUS = [
    "the quick brown fox jumps over the lazy dog",
    "hello how are you today? I am fine, thank you.",
    "what should I do with my money and my time",
    "you are a helpful assistant who answers kindly",
    "write a python function that reads a file and returns its lines",
    "def main(): print('hello world') return 0",
    "humans and AIs should work together safely and honestly",
] * 20


def build_tokenizer(chat_template: str | None = CHATML):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    backend = Tokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=specials,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    backend.train_from_iterator(_CORPUS, trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, eos_token="<|im_end|>",
                                        pad_token="<|endoftext|>", bos_token="<|endoftext|>")
    if chat_template:
        tokenizer.chat_template = chat_template
    return tokenizer


def build_model(folder: Path, arch: str = "llama", layers: int = 2, d_model: int = 64,
                chat_template: str | None = CHATML, seed: int = 0, **config_fields) -> Path:
    """Save a random-init ``arch`` model and tokenizer to ``folder``; returns the folder.

    ``config_fields`` override the qwen2/mistral config (e.g. ``tie_word_embeddings=True``).
    """
    from transformers import (
        GPT2Config,
        GPT2LMHeadModel,
        LlamaConfig,
        LlamaForCausalLM,
        MistralConfig,
        MistralForCausalLM,
        Qwen2Config,
        Qwen2ForCausalLM,
    )

    tokenizer = build_tokenizer(chat_template)
    torch.manual_seed(seed)
    if arch == "llama":
        config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=d_model, intermediate_size=2 * d_model,
                             num_hidden_layers=layers, num_attention_heads=4, num_key_value_heads=2,
                             max_position_embeddings=1024, eos_token_id=tokenizer.eos_token_id,
                             pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id)
        model = LlamaForCausalLM(config)
    elif arch == "gpt2":
        config = GPT2Config(vocab_size=len(tokenizer), n_positions=1024, n_embd=d_model, n_layer=layers, n_head=4,
                            eos_token_id=tokenizer.eos_token_id, bos_token_id=tokenizer.bos_token_id)
        model = GPT2LMHeadModel(config)
    elif arch in ("qwen2", "mistral"):
        config_class, model_class = {"qwen2": (Qwen2Config, Qwen2ForCausalLM),
                                     "mistral": (MistralConfig, MistralForCausalLM)}[arch]
        config = config_class(vocab_size=len(tokenizer), hidden_size=d_model, intermediate_size=2 * d_model,
                              num_hidden_layers=layers, num_attention_heads=4, num_key_value_heads=2,
                              max_position_embeddings=1024, eos_token_id=tokenizer.eos_token_id,
                              pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
                              **{"sliding_window": None, **config_fields})
        model = model_class(config)
        with torch.no_grad():  # a random init leaves Qwen2's q/k/v biases at zero; make them count
            for name, param in model.named_parameters():
                if name.endswith("bias"):
                    param.normal_(0.0, 0.2)
    else:
        raise ValueError(arch)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def write_chats(path: Path, n: int = 24, reply: str = "the same short reply every time") -> Path:
    """``n`` chat rows with one reply to learn, so a few steps on a tiny random model lower the loss clearly."""
    rows = [{"messages": [{"role": "user", "content": f"compute item {i}"}, {"role": "assistant", "content": reply}]}
            for i in range(n)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path
