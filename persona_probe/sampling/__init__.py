"""Sample and score: batched, resumable answers (transformers or vLLM) and log-probabilities.

* :mod:`.generate`: ``persona-probe generate`` and ``bench generate``;
* :mod:`.vllm_engine`: the same rows from vLLM (optional extra);
* :mod:`.scoring`: log-probabilities of answers and of next tokens;
* :mod:`.corpus`: ``data corpus``, a chat corpus sampled from the model itself.
"""

from .corpus import CorpusConfig, generate_corpus, run_corpus
from .generate import GenerateConfig, SamplingConfig, SamplingSettings, generate_answers, read_answers, run_generate
from .scoring import answer_mean_logprobs, next_token_logprobs, token_logprobs

__all__ = ["CorpusConfig", "GenerateConfig", "SamplingConfig", "SamplingSettings", "answer_mean_logprobs",
           "generate_answers", "generate_corpus", "next_token_logprobs", "read_answers", "run_corpus", "run_generate",
           "token_logprobs"]
