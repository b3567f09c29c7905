#!/usr/bin/python3
"""Small random Llama checkpoints laid out as Hugging Face's save_pretrained writes
real ones, with the greedy continuations and log-probabilities that the PyTorch
reference (regenerate.py's forward, float64 on the stored weights) gives them.
tests/cli/model-hf-layout.sh checks that polyphony generates and scores the same.

  hf-llama3/  like Llama 3.2 1B: bfloat16 weights in two shards with
              model.safetensors.index.json, tied embeddings (no lm_head tensor),
              rope_scaling llama3, eos_token_id a list in generation_config.json
              (which also asks for sampling, as Llama 3.2's does), a byte-level BPE
              tokenizer.json and tokenizer_config.json with a Llama 3 chat template
  hf-llama2/  like TinyLlama 1.1B: float32 weights in one model.safetensors, an
              untied lm_head, no rope_scaling, eos_token_id an integer,
              generation_config.json with pad_token_id and max_length, a
              SentencePiece-style BPE tokenizer.json with byte fallback

The tokenizers are tests/data/tokenizers/llama3-small.tokenizer.json (with the Llama
3 special tokens added after its vocabulary) and llama2-small.tokenizer.json (see
tests/data/tokenizers/SOURCE.md for their sources and licences); the prompts are
lines of tests/data/tokenizers/sample.jsonl whose ids those files' reference
encodings (*.expected.jsonl) give, so this script needs no tokenizer library.
Each directory's expected.jsonl holds, per prompt: the prompt record (text), its ids
(BOS first), `greedy` (the first new ids of the greedy continuation, up to the first
end-of-sequence id) and `logprob` (the summed log-probability of the text's tokens
after BOS, what `polyphony score` reports).

Needs Debian's python3-torch. Deterministic (fixed seeds).
"""
import json
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import regenerate as ref  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TOK = os.path.join(HERE, "..", "tokenizers")
NEW = 24  # greedy steps computed

LLAMA3_TEMPLATE = (
    "{{- bos_token }}{%- for message in messages %}"
    "{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + "
    "message['content'] | trim + '<|eot_id|>' }}{%- endfor %}"
    "{%- if add_generation_prompt %}"
    "{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}")


def st_write(path, tensors, dtype):
    """safetensors as the safetensors library writes it: header keys and data in
    name order, the header padded with spaces to 8 bytes, metadata format pt."""
    header, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        t = tensors[name]
        if dtype == "BF16":
            data = t.to(torch.bfloat16).contiguous().view(torch.int16).numpy().astype("<i2").tobytes()
        else:
            data = t.to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [off, off + len(data)]}
        blobs.append(data)
        off += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    return off


def dump(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")


def prompts(tokenizer, ids_wanted, bos):
    texts = {}
    with open(os.path.join(TOK, "sample.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            texts[r["id"]] = r["text"]
    out = []
    with open(os.path.join(TOK, tokenizer + ".expected.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            if r["id"] in ids_wanted:
                out.append((r["id"], texts[r["id"]], [bos] + r["tokens"]))
    assert len(out) == len(ids_wanted), out
    return out


def greedy(cfg, P, ids, n):
    """n greedy steps by recomputing the whole forward (no cache to get wrong); the
    smallest gap between the best and second-best logit is returned to show that
    float32 cannot flip a choice."""
    seq, gap = list(ids), float("inf")
    for _ in range(n):
        logits = ref.forward(cfg, P, torch.tensor([seq]))[0, -1]
        top = torch.topk(logits, 2).values
        gap = min(gap, float(top[0] - top[1]))
        seq.append(int(torch.argmax(logits)))
    return seq[len(ids):], gap


def logprob(cfg, P, ids):
    lp = torch.log_softmax(ref.forward(cfg, P, torch.tensor([ids])), -1)[0, :-1]
    return float(lp.gather(-1, torch.tensor(ids[1:])[:, None]).sum())


def build(name, cfg, gen_cfg, dtype, shards, tokenizer, extra_tokens, tok_cfg, wanted, seed,
          bos_template=None, eos_from_greedy=None):
    d = os.path.join(HERE, name)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.remove(os.path.join(d, f))
    gen = torch.Generator().manual_seed(seed)
    P32 = ref.make_params(cfg, gen)
    # the reference computes with the stored values (bfloat16 rounded, then float64)
    if dtype == "BF16":
        P = {n: t.to(torch.bfloat16).double() for n, t in P32.items()}
    else:
        P = {n: t.double() for n, t in P32.items()}

    # weights: shards of whole layers, as save_pretrained's max_shard_size cuts them
    names = sorted(P32)
    if shards == 1:
        st_write(os.path.join(d, "model.safetensors"), P32, dtype)
    else:
        L = cfg["num_hidden_layers"]
        groups = [[] for _ in range(shards)]
        for n in names:
            if n.startswith("model.layers."):
                layer = int(n.split(".")[2])
                groups[min(layer * shards // L, shards - 1)].append(n)
            elif n == "model.embed_tokens.weight":
                groups[0].append(n)
            else:
                groups[-1].append(n)
        weight_map, total = {}, 0
        for i, g in enumerate(groups):
            fn = "model-%05d-of-%05d.safetensors" % (i + 1, shards)
            total += st_write(os.path.join(d, fn), {n: P32[n] for n in g}, dtype)
            weight_map.update({n: fn for n in g})
        dump(os.path.join(d, "model.safetensors.index.json"),
             {"metadata": {"total_size": total}, "weight_map": weight_map})

    with open(os.path.join(TOK, tokenizer + ".tokenizer.json")) as f:
        tj = json.load(f)
    if bos_template:
        # as the real files: BOS put first by a TemplateProcessing post-processor
        bos = bos_template
        tmpl = {"type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": bos, "type_id": 0}},
                           {"Sequence": {"id": "A", "type_id": 0}}],
                "pair": [{"SpecialToken": {"id": bos, "type_id": 0}},
                         {"Sequence": {"id": "A", "type_id": 0}},
                         {"SpecialToken": {"id": bos, "type_id": 1}},
                         {"Sequence": {"id": "B", "type_id": 1}}],
                "special_tokens": {bos: {"id": bos, "ids": [cfg["bos_token_id"]], "tokens": [bos]}}}
        if tokenizer == "llama3-small":
            tj["post_processor"] = {"type": "Sequence", "processors": [
                {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False,
                 "use_regex": True}, tmpl]}
        else:
            tj["post_processor"] = tmpl
    for content, tid in extra_tokens:
        tj["added_tokens"].append({"id": tid, "content": content, "single_word": False,
                                   "lstrip": False, "rstrip": False, "normalized": False,
                                   "special": True})
    with open(os.path.join(d, "tokenizer.json"), "w") as f:
        json.dump(tj, f, ensure_ascii=False, indent=2)
        f.write("\n")
    if tok_cfg is not None:
        dump(os.path.join(d, "tokenizer_config.json"), tok_cfg)

    rows, worst_gap = [], float("inf")
    for pid, text, ids in prompts(tokenizer, wanted, cfg["bos_token_id"]):
        cont, gap = greedy(cfg, P, ids, NEW)
        worst_gap = min(worst_gap, gap)
        rows.append({"id": pid, "prompt": text, "ids": ids, "continuation": cont,
                     "logprob": logprob(cfg, P, ids)})
    eos = gen_cfg["eos_token_id"] if isinstance(gen_cfg["eos_token_id"], list) else [gen_cfg["eos_token_id"]]
    if eos_from_greedy is not None:
        # one listed eos id is a token the first prompt's continuation reaches at step
        # eos_from_greedy (its first occurrence), so generation visibly stops there
        cont = rows[0]["continuation"]
        k = next(i for i in range(eos_from_greedy, NEW) if cont[i] not in cont[:i])
        eos = eos + [cont[k]]
        gen_cfg = dict(gen_cfg, eos_token_id=eos)
    dump(os.path.join(d, "generation_config.json"), gen_cfg)
    dump(os.path.join(d, "config.json"), cfg)
    with open(os.path.join(d, "expected.jsonl"), "w") as f:
        for r in rows:
            cont = r.pop("continuation")
            stop = next((i for i, t in enumerate(cont) if t in eos), len(cont))
            r["greedy"] = cont[:stop]
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print("%s: %d prompts, greedy lengths %s, smallest top-2 logit gap %.3g" % (
        name, len(rows), [len(json.loads(l)["greedy"]) for l in open(os.path.join(d, "expected.jsonl"))],
        worst_gap))


def main():
    # Llama 3.2 1B's config.json fields, sizes cut down; vocabulary padded past the
    # tokenizer's 1585 entries and the 4 special tokens added here
    llama3 = {
        "architectures": ["LlamaForCausalLM"], "attention_bias": False, "attention_dropout": 0.0,
        "bos_token_id": 1584, "eos_token_id": 1585, "head_dim": 8, "hidden_act": "silu",
        "hidden_size": 32, "initializer_range": 0.02, "intermediate_size": 64,
        "max_position_embeddings": 256, "mlp_bias": False, "model_type": "llama",
        "num_attention_heads": 4, "num_hidden_layers": 2, "num_key_value_heads": 2,
        "pretraining_tp": 1, "rms_norm_eps": 1e-05,
        # with head_dim 8 and rope_theta 500000 the wavelengths are 6.3, 167, 4450 and
        # 118000 positions: llama3 keeps the first, blends the second, slows the others
        "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                         "original_max_position_embeddings": 256, "rope_type": "llama3"},
        "rope_theta": 500000.0, "tie_word_embeddings": True, "torch_dtype": "bfloat16",
        "transformers_version": "4.45.0.dev0", "use_cache": True, "vocab_size": 1600,
    }
    specials = [("<|end_of_text|>", 1585), ("<|start_header_id|>", 1586),
                ("<|end_header_id|>", 1587), ("<|eot_id|>", 1588)]
    tok_cfg = {
        "added_tokens_decoder": {str(i): {"content": c, "lstrip": False, "normalized": False,
                                          "rstrip": False, "single_word": False, "special": True}
                                 for c, i in [("<|begin_of_text|>", 1584)] + specials},
        "bos_token": "<|begin_of_text|>", "chat_template": LLAMA3_TEMPLATE,
        "clean_up_tokenization_spaces": True, "eos_token": "<|eot_id|>",
        "model_input_names": ["input_ids", "attention_mask"], "model_max_length": 131072,
        "tokenizer_class": "PreTrainedTokenizerFast",
    }
    build("hf-llama3", llama3,
          {"bos_token_id": 1584, "do_sample": True, "eos_token_id": [1585, 1588],
           "temperature": 0.6, "top_p": 0.9, "transformers_version": "4.45.0.dev0"},
          "BF16", 2, "llama3-small", specials, tok_cfg,
          ["udhr-eng-a1-p1", "udhr-yor-a1-p1"], 31, bos_template="<|begin_of_text|>",
          eos_from_greedy=9)

    # TinyLlama 1.1B's fields, sizes cut down
    llama2 = {
        "architectures": ["LlamaForCausalLM"], "attention_bias": False, "bos_token_id": 1,
        "eos_token_id": 2, "hidden_act": "silu", "hidden_size": 16, "initializer_range": 0.02,
        "intermediate_size": 32, "max_position_embeddings": 512, "model_type": "llama",
        "num_attention_heads": 2, "num_hidden_layers": 2, "num_key_value_heads": 1,
        "pretraining_tp": 1, "rms_norm_eps": 1e-05, "rope_scaling": None, "rope_theta": 10000.0,
        "tie_word_embeddings": False, "torch_dtype": "float32", "transformers_version": "4.35.0",
        "use_cache": True, "vocab_size": 4978,
    }
    build("hf-llama2", llama2,
          {"bos_token_id": 1, "eos_token_id": 2, "max_length": 2048, "pad_token_id": 0,
           "transformers_version": "4.35.0"},
          "F32", 1, "llama2-small", [], {"add_bos_token": True, "add_eos_token": False,
                                         "bos_token": "<s>", "eos_token": "</s>",
                                         "legacy": False, "model_max_length": 2048,
                                         "pad_token": "</s>", "tokenizer_class": "LlamaTokenizer",
                                         "unk_token": "<unk>"},
          ["udhr-eng-a1-p1", "udhr-yor-a1-p1"], 32, bos_template="<s>")


if __name__ == "__main__":
    main()
