#!/bin/sh
# bench/lid/script-rule.sh — abstention out of domain, per writing system,
# with the script rule off (--script-min-letters 0: the thresholds alone) and
# on (the default): translated user-interface strings from the message
# catalogs installed on this system (catalogs2jsonl.py), and the CES Bible
# corpus when given.
#
# Usage: bench/lid/script-rule.sh [BIBLE_CORPUS_DIR]
#   Environment: POLYPHONY (default ./polyphony), MODEL (default: bundled),
#   PER (strings per language, default 100), WORK (default /tmp/pp-bench-lid).
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
POLYPHONY=${POLYPHONY:-$top/polyphony}
MODEL=${MODEL:-$top/langs/models/udhr-lid.ftz}
WORK=${WORK:-/tmp/pp-bench-lid}
PER=${PER:-100}
mkdir -p "$WORK"
# one locale per writing system the bundled model has a language for (Han,
# kana and Hangul read as Chinese, Japanese, Korean)
python3 "$here/catalogs2jsonl.py" \
    --exclude-train "$top/langs/models/data/catalog-train.jsonl.zst" --per "$PER" th=tha km=khm lo=lao my=mya ja=jpn zh_CN=cmn \
    zh_TW=cmn ko=kor ka=kat hy=hye el=ell he=heb am=amh ta=tam si=sin gu=guj bn=ben \
    ml=mal kn=kan te=tel pa=pan dz=dzo bo=bod > "$WORK/catalogs.jsonl"
sets=catalogs
if [ -n "${1:-}" ]; then
    node "$here/bible2jsonl.mjs" "$1" "$PER" > "$WORK/bible.jsonl"
    sets="catalogs bible"
fi
for s in $sets; do
    echo "== $s: $(wc -l < "$WORK/$s.jsonl") records"
    for rule in 0 4; do
        # shellcheck disable=SC2086
        "$POLYPHONY" lid --quiet --model "$MODEL" ${LID_OPTS:-} --script-min-letters $rule "$WORK/$s.jsonl" \
            > "$WORK/$s.rule$rule.jsonl"
        "$POLYPHONY" lid eval --gold gold --pred iso639_3 --fold "$here/macro-fold.tsv" \
            "$WORK/$s.rule$rule.jsonl" > "$WORK/$s.rule$rule.eval"
    done
    printf '%-8s %6s %14s %14s\n' gold n "und off->on" "recall off->on"
    join "$WORK/$s.rule0.eval" "$WORK/$s.rule4.eval" 2>/dev/null |
        awk '$1 != "lang" && $1 != "macro" && $1 != "accuracy" && NF == 13 && $2 > 0 {
            printf "%-8s %6d %6d -> %-5d %6.3f -> %.3f\n", $1, $2, $7, $13, $4, $10 }'
    for rule in 0 4; do
        printf 'script rule %s: ' "$([ $rule = 0 ] && echo off || echo on)"
        awk '/^macro/{printf "macro F1 %s; ", $5} /^abstained/{print}' "$WORK/$s.rule$rule.eval"
    done
done
