import pytest
import torch

from persona_probe.errors import ModelSpecError
from persona_probe.models.loading import embedded_gguf_path, file_sha256, load_model, parse_spec, resolve_dtype


def test_spec_grammar(tiny_llama, tmp_path):
    assert parse_spec("smollm2-135m").kind == "embedded"
    assert parse_spec("embedded").kind == "embedded"
    hub = parse_spec("Qwen/Qwen2.5-7B-Instruct@abc123")
    assert (hub.kind, hub.location, hub.revision) == ("hub", "Qwen/Qwen2.5-7B-Instruct", "abc123")
    assert parse_spec(str(tiny_llama)).kind == "folder"
    adapter = tmp_path / "lora"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text("{}")
    both = parse_spec(f"{tiny_llama}+{adapter}")
    assert both.kind == "folder" and both.adapter == str(adapter)
    assert parse_spec("Org/base+Org/lora").adapter == "Org/lora"


@pytest.mark.parametrize("spec, needle", [
    ("", "empty model spec"),
    ("not a model", "unknown model spec"),
    ("./missing-folder", "no such model folder"),
    ("/nowhere/model.gguf", "GGUF file not found"),
    ("smollm2-135m+", "both parts"),
    ("smollm2-135m+./not-an-adapter", "neither a folder nor a Hub id"),
])
def test_bad_specs(spec, needle):
    with pytest.raises(ModelSpecError, match=needle):
        parse_spec(spec)


def test_folder_without_config(tmp_path):
    with pytest.raises(ModelSpecError, match="no config.json"):
        parse_spec(str(tmp_path))


def test_dtype_defaults():
    assert resolve_dtype("auto", torch.device("cpu")) == torch.float32
    assert resolve_dtype("auto", torch.device("cuda")) == torch.bfloat16
    assert resolve_dtype("float16", torch.device("cpu")) == torch.float16


def test_load_folder_records_identity(tiny_llama):
    model = load_model(str(tiny_llama))
    assert model.n_layers == 2 and model.d_model == 64
    assert model.identity.kind == "folder" and len(model.identity.sha256) == 64
    assert model.identity.architecture == "LlamaForCausalLM"
    assert model.device.type == "cpu" and model.dtype == torch.float32
    assert "blocks.1.hook_resid_post" in model.bridge.hook_dict or model.bridge.get_hook_point("blocks.1.hook_resid_post")


def test_missing_chat_template_is_a_clear_error(tiny_gpt2_no_template, tmp_path):
    with pytest.raises(ModelSpecError, match="has no chat template.*--chat-template"):
        load_model(str(tiny_gpt2_no_template))
    template = tmp_path / "t.jinja"
    template.write_text("{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}")
    model = load_model(str(tiny_gpt2_no_template), chat_template=str(template))
    assert model.tokenizer.chat_template.startswith("{% for m")


def test_offline_hub_id_is_a_clear_error():
    with pytest.raises(ModelSpecError, match="cannot get .* local Hugging Face cache"):
        load_model("persona-probe-tests/does-not-exist")


def test_lora_adapter_is_merged(tiny_llama, tmp_path):
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(tiny_llama)
    torch.manual_seed(1)
    peft_model = get_peft_model(base, LoraConfig(r=4, target_modules=["q_proj", "v_proj"], init_lora_weights=False))
    peft_model.save_pretrained(tmp_path / "lora")
    ids = torch.tensor([[1, 5, 9, 12, 30]])
    with torch.no_grad():
        expected = peft_model(ids).logits
    plain = load_model(str(tiny_llama))
    merged = load_model(f"{tiny_llama}+{tmp_path / 'lora'}")
    with torch.no_grad():
        got = merged.bridge(ids)
        unchanged = plain.bridge(ids)
    assert torch.allclose(got, expected, atol=1e-5)
    assert not torch.allclose(unchanged, expected, atol=1e-3)
    assert merged.identity.adapter["sha256"] and merged.identity.sha256 == plain.identity.sha256


def test_embedded_model_loads_from_converted_cache():
    gguf = embedded_gguf_path()
    model = load_model("smollm2-135m")
    assert (model.n_layers, model.d_model) == (30, 576)
    assert model.identity.sha256 == file_sha256(gguf)
    assert model.identity.name == "HuggingFaceTB/SmolLM2-135M-Instruct"
    rendered = model.tokenizer.apply_chat_template([{"role": "user", "content": "hi"}], tokenize=False)
    assert "You are a helpful AI assistant named SmolLM" in rendered  # the template's hidden default


def test_gguf_file_spec_uses_the_same_converted_copy():
    gguf = embedded_gguf_path()
    model = load_model(str(gguf))
    assert model.identity.kind == "gguf" and model.identity.name == str(gguf)
    assert model.identity.sha256 == file_sha256(gguf) and model.n_layers == 30
