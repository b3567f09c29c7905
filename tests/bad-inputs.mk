# tests/bad-inputs.mk — inputs that once crashed, hung or lost data, fed to
# the commands they broke (tests/data/bad-inputs/SOURCE.md).
TESTS += tests/cli/bad-inputs.sh
EXTRA_DIST += tests/cli/bad-inputs.sh tests/data/bad-inputs/SOURCE.md \
	tests/data/bad-inputs/stream-loop-trunc.jsonl.gz tests/data/bad-inputs/stream-loop-bitflip.jsonl.zst \
	tests/data/bad-inputs/uaf-raw-after-stream-error.jsonl.gz tests/data/bad-inputs/good.jsonl \
	tests/data/bad-inputs/small.ftz tests/data/bad-inputs/ftz-patches.txt \
	tests/data/bad-inputs/hf-unigram-score-neg1e308.tokenizer.json tests/data/bad-inputs/hf-in2.jsonl \
	tests/data/bad-inputs/hf-catastrophic-split-regex.tokenizer.json \
	tests/data/bad-inputs/nul-dedup.jsonl tests/data/bad-inputs/pii-nul-hides-email.jsonl \
	tests/data/bad-inputs/speakers-inf.tsv tests/data/bad-inputs/ledger.jsonl \
	tests/data/bad-inputs/cl100k_base-gap.tiktoken tests/data/bad-inputs/decode-gap-ids.jsonl \
	tests/data/bad-inputs/tei-external-entity.tei.xml tests/data/bad-inputs/html-deep-300.html
