# scripts/main-job-align.sh — the main job's pluralistic-alignment step (sourced by
# main-job.sh, which sets P, udhr, out, ledger). Two groups hold opposed spellings of
# Romanian: the 1993 reform ("sunt", "â") and the 1953 one ("sînt", "î"), taken from
# the two parallel declarations of the bundled UDHR. Windows of five words around each
# word the two spellings write differently make the pairs; the prompt gives the window
# with â and î folded to a and i. The 1993 group holds every training window, the 1953
# group every third (a 3:1 majority); windows of the test and dev articles are held
# back. A tiny model is trained on both declarations, then aligned with DPO and with
# the steerable objective, and both are evaluated per group on the held-back pairs.
a=$out/align
mkdir -p "$a"
zstd -dc "$udhr" | jq -c 'select(.meta.udhr_code == "ron_1953" or .meta.udhr_code == "ron_1993")' \
    >"$a/ron.jsonl"
jq -c '{k: "\(.meta.article)-\(.meta.paragraph)", v: .meta.udhr_code, t: .text, split: .meta.split}' "$a/ron.jsonl" |
    jq -sc 'group_by(.k)[] | select(length == 2) | .[0].split as $s | (map({key: .v, value: .t}) | from_entries) as $m
            | ($m.ron_1953 | split(" ")) as $x | ($m.ron_1993 | split(" ")) as $y
            | [range(0; [($x | length), ($y | length)] | min)] | map(select($x[.] != $y[.])) | .[] as $i
            | {split: $s, old: ($x[([$i - 2, 0] | max):$i + 3] | join(" ")), new: ($y[([$i - 2, 0] | max):$i + 3] | join(" "))}' |
    jq -sc 'unique_by(.old) | to_entries[] | .key as $n | .value
            | {n: $n, split, prompt: ("Scrie: " + (.new | gsub("â"; "a") | gsub("î"; "i"))), old, new}' >"$a/windows.jsonl"
jq -c 'select(.split == "train") | {id: "w\(.n)-1993", prompt, chosen: .new, rejected: .old, group: "1993", lang: "ro"},
       (select(.n % 3 == 0) | {id: "w\(.n)-1953", prompt, chosen: .old, rejected: .new, group: "1953", lang: "ro"})' \
    "$a/windows.jsonl" >"$a/prefs-train.jsonl"
jq -c 'select(.split != "train") | {id: "w\(.n)-1993", prompt, chosen: .new, rejected: .old, group: "1993", lang: "ro"},
       {id: "w\(.n)-1953", prompt, chosen: .old, rejected: .new, group: "1953", lang: "ro"}' \
    "$a/windows.jsonl" >"$a/prefs-held.jsonl"
jq -c 'select(.meta.split == "train")' "$a/ron.jsonl" >"$a/ron-train.jsonl"
"$P" tokenizer train -q --lang ro --vocab-size 400 --no-exemplars --chat-markers \
    -i "$a/ron-train.jsonl" -o "$a/tokenizer" >"$a/log" 2>&1
cat >"$a/config.json" <<'JSON'
{"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 400,
 "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
 "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 256,
 "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "hidden_act": "silu", "tie_word_embeddings": true}
JSON
OMP_WAIT_POLICY=passive "$P" train -q --config "$a/config.json" --tokenizer "$a/tokenizer.model" \
    --data "$a/ron-train.jsonl" --out "$a/base" --steps 30 --batch-size 4 --seq-len 64 --lr 1e-2 \
    --seed 1 --threads 1 >>"$a/log" 2>&1
for obj in dpo steerable; do
    OMP_WAIT_POLICY=passive "$P" align -q --objective "$obj" --init "$a/base" --prefs "$a/prefs-train.jsonl" \
        --out "$a/$obj" --steps "${ALIGN_STEPS:-200}" --batch-size 8 --lr 5e-3 --beta 0.5 --seed 1 \
        --threads 1 --log-json "$a/$obj.log.jsonl" >>"$a/log" 2>&1
    "$P" align eval --model "$a/$obj" --ref "$a/base" --prefs "$a/prefs-held.jsonl" --ledger "$ledger" \
        >"$a/eval-$obj.jsonl"
    jq -r --arg o "$obj" 'select(.group and (.metric == "choice_accuracy" or .metric == "reward_accuracy"))
        | "   \($o): group \(.group) \(.metric) \(.value * 100 | round / 100) [\(.lo * 100 | round / 100), \(.hi * 100 | round / 100)] (\(.n) pairs)"' \
        "$a/eval-$obj.jsonl"
done
echo "   $(jq -s 'map(select(.split == "train")) | length' "$a/windows.jsonl") training windows," \
    "$(wc -l <"$a/prefs-train.jsonl") training pairs, $(wc -l <"$a/prefs-held.jsonl") held-back pairs"
