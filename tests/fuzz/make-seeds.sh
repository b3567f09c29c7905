#!/bin/sh
# tests/fuzz/make-seeds.sh — (re)make the seed corpora tests/fuzz/seeds/TARGET/
# from the test fixtures (tests/data), the bundled profiles and templates,
# and two small models trained here by polyphony itself. The seeds are
# committed; run this after a fixture or a format changes:
#
#   POLYPHONY=./polyphony POLYPHONY_DATA=. sh tests/fuzz/make-seeds.sh
#
# Needs jq, gzip, zstd. Seeds are kept small (a few KB; the models ~20 KB)
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
    ingest_tei ingest_udhr ingest_html ledger; do
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

du -sh "$S"
