#!/bin/sh
# tests/fuzz/make-seeds.sh — (re)make the seed corpora tests/fuzz/seeds/TARGET/
# from the test fixtures (tests/data), the bundled profiles and templates,
# and two small models trained here by polyphony itself. The seeds are
# committed; run this after a fixture or a format changes:
#
#   POLYPHONY=./polyphony POLYPHONY_DATA=. sh tests/fuzz/make-seeds.sh
#
# Needs jq, gzip, zstd, perl, spm_train (Debian sentencepiece). Seeds are kept small (a few KB; the models ~20 KB)
# so that the fuzzer mutates them quickly.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
: "${POLYPHONY:=$top/polyphony}"
export POLYPHONY_DATA="${POLYPHONY_DATA:-$top}"
TD=$top/tests/data
S=$top/tests/fuzz/seeds
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -rf "$S"
for t in jsonl jsonl_gz jsonl_zst fasttext spm hf tiktoken profile template ingest_ces ingest_tmx \
    ingest_tei ingest_udhr ingest_html ledger safetensors llama_config generation_config tok_records; do
    mkdir -p "$S/fuzz_$t"
done

# JSONL records: a few fixture files (cut to 12 lines), one with bad lines.
head -n 12 "$TD/dedup/corpus.jsonl" >"$tmp/corpus.jsonl"
for f in "$tmp/corpus.jsonl" "$TD/pii/records.jsonl" "$TD/ingest/mapped.jsonl" \
    "$TD/prefs/pairs.jsonl" "$TD/ingest/udhr-meta.jsonl"; do
    for t in jsonl jsonl_gz jsonl_zst; do cp "$f" "$S/fuzz_$t/"; done
done
printf '{"id":"a","text":"ok"}\n{"id":"b","text":\n\xff\xfe{"id":"c"}\n[1,2]\n\n{"text":"x\\u0000y","lang":"yo"}' >"$tmp/bad-lines.jsonl"
for t in jsonl jsonl_gz jsonl_zst; do cp "$tmp/bad-lines.jsonl" "$S/fuzz_$t/"; done
# The plain target sees compressed files as they are (magic bytes).
gzip -9nc "$tmp/corpus.jsonl" >"$S/fuzz_jsonl/corpus.jsonl.gz"
zstd -q -19 -c "$TD/pii/records.jsonl" >"$S/fuzz_jsonl/records.jsonl.zst"

# fastText: a quantized and an unquantized model, small on purpose.
ft="--input $TD/lid/train.jsonl --dim 4 --bucket 500 --epoch 5 --maxn 3 --quiet"
# shellcheck disable=SC2086
"$POLYPHONY" lid train $ft --output "$tmp/small.ftz"
# shellcheck disable=SC2086
"$POLYPHONY" lid train $ft --no-quantize --output "$tmp/small.bin"
cp "$tmp/small.ftz" "$tmp/small.bin" "$S/fuzz_fasttext/"

# SentencePiece: a unigram and a BPE model on the Yoruba fixture.
# A model records its training file names: train in the scratch directory
# under a relative name so that no path of this machine ends up in the seed.
for m in unigram bpe; do
    (cd "$tmp" && "$POLYPHONY" tokenizer train -q --lang yo --vocab-size 400 --no-exemplars \
        --model-type "$m" --input "$TD/tokenizers/yo-udhr-train.jsonl" --output "yo-$m")
    cp "$tmp/yo-$m.model" "$S/fuzz_spm/yo-$m.model"
done
# and a unigram model with a normalization map of its own (a rule table of a
# dozen rules: nested keys, a rule to nothing, spaces in replacements, byte
# fallback, user symbols), so that the fuzzer mutates a real map (spm_train)
printf '41\t61\n41 42\t78\n41 42 43\t79 20 7A\nFF21\t41\n3000\t20\n9\t20\nA\t20 20\nE9\t65 301\n65 301\tE9\n2581\t5F\n61 61 61\t\n31\t6F 6E 65\n' \
    >"$tmp/rules.tsv"
jq -r .text "$TD/tokenizers/yo-udhr-train.jsonl" >"$tmp/yo.txt"
(cd "$tmp" && spm_train --input=yo.txt --model_prefix=yo-rules --vocab_size=400 \
    --normalization_rule_tsv=rules.tsv --byte_fallback=true --user_defined_symbols='AB,ọmọ,<mask>' \
    --remove_extra_whitespaces=false --hard_vocab_limit=false --num_threads=1 --minloglevel=2 \
    >/dev/null 2>&1)
cp "$tmp/yo-rules.model" "$S/fuzz_spm/yo-rules.model"

# Hugging Face tokenizer.json: the two fixtures cut to their first 400
# tokens and the merges among them, and a small Unigram model.
cut_hf() {
    jq -c '(.model.vocab | to_entries | map(select(.value < 400)) | from_entries) as $v
      | .model.vocab = $v
      | .model.merges |= map(select(
          (if type == "string" then split(" ") else . end) as $p
          | ($v[$p[0]] != null) and ($v[$p[1]] != null) and ($v[$p[0] + $p[1]] != null)))
      | .added_tokens |= map(select(.id < 400))' "$1"
}
cut_hf "$TD/tokenizers/llama3-small.tokenizer.json" >"$S/fuzz_hf/bytelevel-bpe.json"
cut_hf "$TD/tokenizers/llama2-small.tokenizer.json" >"$S/fuzz_hf/bytefallback-bpe.json"
cat >"$S/fuzz_hf/unigram.json" <<'JSON'
{"version":"1.0","added_tokens":[{"id":0,"content":"<unk>","special":true}],
 "normalizer":{"type":"NFKC"},
 "pre_tokenizer":{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true},
 "decoder":{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true},
 "model":{"type":"Unigram","unk_id":0,"byte_fallback":false,"vocab":[
  ["<unk>",0.0],["▁",-2.0],["▁a",-3.1],["a",-3.5],["n",-3.6],["▁e",-3.9],["e",-4.0],
  ["ni",-4.2],["▁ni",-4.3],["ì",-4.6],["à",-4.7],["ọ",-4.8],["ẹ",-4.9],["gb",-5.0],
  ["▁gbogbo",-6.0],["yàn",-6.2],["▁ènìyàn",-7.0],["b",-5.5],["o",-5.1],["g",-5.6],
  ["i",-5.2],["r",-5.7],["d",-5.8],["l",-5.9],["t",-6.1],["m",-6.3],["s",-6.4],["u",-6.5]]}}
JSON

# tiktoken: the first 400 ranks of cl100k_base (the 256 bytes and the
# first merges), which is a consistent rank file on its own.
zstd -dc "$TD/tokenizers/cl100k_base.tiktoken.zst" | head -n 400 >"$S/fuzz_tiktoken/cl100k_base-400.tiktoken"

# Profiles and templates: two bundled communities and the fixtures.
cp "$top/langs/yor/profile.xml" "$S/fuzz_profile/yor.xml"
cp "$top/langs/amh/profile.xml" "$S/fuzz_profile/amh.xml"
cp "$TD/registry/bad-profile.xml" "$S/fuzz_profile/bad-profile.xml"
for f in "$top"/langs/yor/templates/*.xml; do cp "$f" "$S/fuzz_template/yor-$(basename "$f")"; done
cp "$TD"/instruct/templates/*.xml "$S/fuzz_template/"
for f in "$TD"/instruct/bad/*.xml; do cp "$f" "$S/fuzz_template/bad-$(basename "$f")"; done

# Ingest formats: the ingest fixtures.
cp "$TD/ingest/ces-basque.xml" "$S/fuzz_ingest_ces/"
cp "$TD/ingest/memory.tmx" "$S/fuzz_ingest_tmx/"
cp "$TD/ingest/play.tei.xml" "$S/fuzz_ingest_tei/"
cp "$TD/ingest/udhr-yor.html" "$S/fuzz_ingest_udhr/"
cp "$TD/ingest/page.html" "$TD/ingest/udhr-yor.html" "$S/fuzz_ingest_html/"

# Ledger: the audit fixture, and rows of every stage written by the
# commands' own ledger writer would look the same.
cp "$TD/eval/audit_ledger.jsonl" "$S/fuzz_ledger/"
head -n 3 "$TD/eval/audit_ledger.jsonl" >"$S/fuzz_ledger/three-rows.jsonl"

# safetensors: the small shard of the Hugging Face layout fixture (bfloat16), and
# files written here: every dtype the reader converts, a scalar, an empty tensor,
# one it does not convert (I64), and metadata.
MD=$TD/model
cp "$MD/hf-llama3/model-00002-of-00002.safetensors" "$S/fuzz_safetensors/bf16-shard.safetensors"
st() { # st FILE HEADER DATA-BYTES...: an 8-byte length, the header, the data
    f=$1 h=$2
    shift 2
    perl -e 'my $h = shift; print pack("Q<", length $h), $h, pack("C*", @ARGV)' "$h" "$@" >"$f"
}
st "$S/fuzz_safetensors/dtypes.safetensors" \
    '{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},"c":{"dtype":"BF16","shape":[1,2],"data_offsets":[12,16]},"s":{"dtype":"F32","shape":[],"data_offsets":[16,20]},"e":{"dtype":"F32","shape":[0,3],"data_offsets":[20,20]}}' \
    0 0 128 63 0 0 0 192 0 60 1 0 128 63 128 191 0 0 32 65
st "$S/fuzz_safetensors/i64.safetensors" \
    '{"n":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},"x":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}' \
    7 0 0 0 0 0 0 0 0 0 128 63

# config.json: the fixtures' (float32 untied, the two Hugging Face layouts with
# rope_scaling llama3 and an eos list, the training example), and a linear scaling.
cp "$MD/tiny/config.json" "$S/fuzz_llama_config/tiny.json"
cp "$MD/hf-llama3/config.json" "$S/fuzz_llama_config/hf-llama3.json"
cp "$MD/hf-llama2/config.json" "$S/fuzz_llama_config/hf-llama2.json"
cp "$MD/train/config.json" "$S/fuzz_llama_config/train.json"
jq -c '.rope_scaling = {"type": "linear", "factor": 4} | .eos_token_id = [2, 3]' "$MD/tiny/config.json" \
    >"$S/fuzz_llama_config/linear.json"

# generation_config.json: Llama 3.2's kind (an eos list, sampling), TinyLlama's (pad,
# max_length) and polyphony's own.
cp "$MD/hf-llama3/generation_config.json" "$S/fuzz_generation_config/hf-llama3.json"
cp "$MD/hf-llama2/generation_config.json" "$S/fuzz_generation_config/hf-llama2.json"
printf '{"bos_token_id":1,"eos_token_id":2,"do_sample":false,"top_k":40,"max_new_tokens":12}\n' \
    >"$S/fuzz_generation_config/greedy.json"

# Records for tokenizer encode's writer: fields of every kind (large
# integers, reals with 17 digits and exponents, \u escapes, nested objects),
# "pieces" and "tokens" in place; lines the fast parser leaves to jansson
# (duplicate keys, \u0000, integers beyond 64 bits, nesting deeper than
# simdjson's 1024) or that both refuse; a byte order mark and CRLF; plain text.
TR=$S/fuzz_tok_records
cat >"$TR/records.jsonl" <<'JSON'
{"id":"yo-1","lang":"yo","text":"Ẹ̀kọ́ ni ọ̀nà àti ìmọ̀ the thing","meta":{"source":"udhr","n":3}}
{"text":"the thing 123","lang":"en","score":0.98765432109876543,"count":9223372036854775807,"neg":-9223372036854775808}
{"lang":"zh","text":"你好 \"quoted\" back\\slash\ttab","pieces":["x"],"tokens":[1,2,3],"after":1}
{"text":"reals","r":[1e-7,1E+21,1.5e300,-2.5e-310,0.1,100.0,1e16,123456789012345.125,5e-324,-0.0,0,-0,1e-400]}
{"text":"esc \u00e9\u0001\u001f\u007f\u2028\ud83d\ude00 \/ ","k\u00e9y":"v","\t":"\b\f\n\r"}
{"text":"nested","a":{"b":{"c":[{"d":null,"e":true,"f":false}]}},"empty":{},"ea":[],"x":{"text":1}}
{"tokens":[],"text":"","pieces":null}
JSON
# numbers at the edges of the two parsers' conversions (huge exponents, more
# than 19 digits, halfway to the smallest subnormal, just past the largest
# double, 2^53 + 1, the bounds of the 17-digit fixed-point writer)
cat >"$TR/numbers.jsonl" <<'JSON'
{"text":"n","a":0e99999999999999999999,"b":1e-99999999999999999999,"l":1e0000000000000000000000000000001}
{"text":"n","c":100000000000000000000000e-10,"d":0.000000000000000000000000000000000000000000001e45}
{"text":"n","e":2.4703282292062327e-324,"f":2.4703282292062328e-324,"g":1.7976931348623158e308}
{"text":"n","h":1.7976931348623159e308}
{"text":"n","i":9007199254740993,"j":9007199254740993.0,"k":123456789012345678e-3}
{"text":"n","m":0.1e-4,"o":9.9999999999999999e-5,"p":999999999999999.9,"q":0.00009999999999999999,"r":1e15}
JSON
cat >"$TR/refused.jsonl" <<'JSON'
{"text":"dup","a":1,"a":2}
{"text":"nested dup","o":{"k":1,"k":2}}
{"text":"nul \u0000 inside"}
{"text":"big","n":18446744073709551615}
{"text":"bigger","n":123456789012345678901234567890}
{"text":"overflow","r":1e400}
{"text":1}
{"lang":"yo"}
[1,2,3]
{"text":"truncated"
{"text":"ok"} trailing
JSON
printf '\357\273\277{"text":"bom","lang":"yo"}\r\n{"text":"crlf","n":1.25}\r\n\r\n\377\376{"text":"bad"}\n{"text":"a\355\240\200b"}\n' >"$TR/bom-crlf.jsonl"
perl -e 'print "{\"text\":\"deep\",\"d\":", "[" x 1100, "]" x 1100, "}\n"' >"$TR/deep.jsonl"
printf 'plain text, the 123\n\tctl \001 del \177 nul \000 end\nẸ̀kọ́ 你好 😀\nbad \300\200 \355\240\200 \364\220\200\200 \341\272\n' >"$TR/plain.txt"
# The language identifier's sidecars (profiles, thresholds) of a fixed model.
POLYPHONY=$POLYPHONY sh "$top/tests/fuzz/make-seeds-lid.sh" "$S/fuzz_lid_sidecars"

du -sh "$S"
