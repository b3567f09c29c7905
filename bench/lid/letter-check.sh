#!/bin/sh
# bench/lid/letter-check.sh — the letter check (--letter-check S) and the
# sisters rule (--sister-margin M) out of domain: macro F1, accuracy and
# abstention with each setting, on Bible verses (CES Bible corpus), on
# translated user-interface strings from the installed message catalogs, and
# on the bundled UDHR's dev split; items whose language the model cannot name
# are left out (the checks choose among the model's labels). Scored twice:
# with bench/lid/macro-fold.tsv (as the other benchmarks) and with every
# individual language folded into its macrolanguage (from the registry; the
# sisters rule answers with macrolanguages). Also prints how often a rule
# replaced the model's label, and how often the result was right (folded).
#
# Usage: bench/lid/letter-check.sh BIBLE_CORPUS_DIR [SETTING...]
#   SETTING: comma-separated letters=S (--letter-check S) and sisters=M
#   (--sister-margin M), e.g. letters=0.1,sisters=0 (default: both off, the
#   letter check alone, and the defaults).
#   Environment: POLYPHONY, MODEL, PER (items per language, default 100),
#   WORK (default /tmp/pp-bench-lid).
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
POLYPHONY=${POLYPHONY:-$top/polyphony}
MODEL=${MODEL:-$top/langs/models/udhr-lid.ftz}
WORK=${WORK:-/tmp/pp-bench-lid}
PER=${PER:-100}
[ -d "${1:-}/bibles" ] || { echo "usage: $0 BIBLE_CORPUS_DIR [SETTING...]" >&2; exit 2; }
corpus=$1
shift
settings=${*:-letters=0,sisters=0 letters=0.1,sisters=0 letters=0.1,sisters=0.01}
mkdir -p "$WORK"
# every individual language of the registry folded into its macrolanguage
awk -F'\t' '!/^#/ && $7 != "" { print $1 "\t" $7 }' "$top/langs/data/registry.tsv" \
    > "$WORK/lc.fold-all.tsv"
"$POLYPHONY" lid labels --model "$MODEL" | cut -f3 | sort -u > "$WORK/lc.known"
node "$here/bible2jsonl.mjs" "$corpus" "$PER" > "$WORK/lc.bible.all"
python3 "$here/catalogs2jsonl.py" \
    --exclude-train "$top/langs/models/data/catalog-train.jsonl.zst" --per "$PER" th=tha km=khm lo=lao my=mya ja=jpn zh_CN=cmn \
    zh_TW=cmn ko=kor ka=kat hy=hye el=ell he=heb am=amh ta=tam si=sin gu=guj bn=ben ml=mal \
    kn=kan te=tel pa=pan ru=rus uk=ukr bg=bul sr=srp mk=mkd be=bel kk=kaz \
    ky=kir mn=khk tg=tgk tt=tat ar=arb fa=pes ur=urd ps=pus ug=uig hi=hin mr=mar ne=npi \
    fr=fra de=deu es=spa it=ita pt=por nl=nld pl=pol cs=ces sk=slk sl=slv hr=hrv hu=hun \
    ro=ron fi=fin et=ekk lv=lvs lt=lit sv=swe da=dan nb=nob is=isl ga=gle cy=cym eu=eus \
    ca=cat gl=glg tr=tur az=azj uz=uzn id=ind ms=zsm vi=vie tl=tgl sw=swh yo=yor ha=hau \
    ig=ibo zu=zul xh=xho af=afr wo=wol rw=kin so=som eo=epo > "$WORK/lc.catalogs.all"
zstd -dc "$top/eval-sets/udhr/udhr.jsonl.zst" |
    jq -c 'select(.meta.split == "dev") | {id, text, gold: .meta.iso639_3}' > "$WORK/lc.udhr-dev.all"
# keep the languages the model names (after the macrolanguage fold)
for s in bible catalogs udhr-dev; do
    python3 - "$WORK/lc.known" "$here/macro-fold.tsv" "$WORK/lc.$s.all" > "$WORK/lc.$s.jsonl" <<'PY'
import json, sys
fold = {}
for line in open(sys.argv[2]):
    if line.strip() and not line.startswith('#'):
        a, b = line.split()[:2]
        fold[a] = b
known = {l.strip() for l in open(sys.argv[1])}
known |= {fold[k] for k in list(known) if k in fold}
for line in open(sys.argv[3]):
    r = json.loads(line)
    if r['gold'] in known or fold.get(r['gold'], r['gold']) in known:
        print(json.dumps(r, ensure_ascii=False))
PY
done
printf '%-9s %-26s %8s %8s %8s %8s %9s %s\n' set setting "F1" accuracy "F1 all" "acc all" \
    abstained "letters (right) sisters (right)"
for s in bible catalogs udhr-dev; do
    for set in $settings; do
        opt=$(echo "$set" | tr ',' '\n' | sed 's/^letters=/--letter-check /; s/^sisters=/--sister-margin /')
        # shellcheck disable=SC2086
        "$POLYPHONY" lid --quiet --model "$MODEL" $opt "$WORK/lc.$s.jsonl" > "$WORK/lc.$s.$set.out"
        "$POLYPHONY" lid eval --gold gold --pred iso639_3 --fold "$here/macro-fold.tsv" \
            "$WORK/lc.$s.$set.out" > "$WORK/lc.$s.$set.eval"
        "$POLYPHONY" lid eval --gold gold --pred iso639_3 --fold "$WORK/lc.fold-all.tsv" \
            "$WORK/lc.$s.$set.out" > "$WORK/lc.$s.$set.eval-all"
        rep=$(jq -r 'select(.lid_rule == "letters" or .lid_rule == "sisters") |
                [.lid_rule, .gold, .iso639_3] | @tsv' "$WORK/lc.$s.$set.out" |
            awk -F'\t' -v fold="$WORK/lc.fold-all.tsv" '
                BEGIN { while ((getline l < fold) > 0) { split(l, f, "\t"); m[f[1]] = f[2] } }
                { n[$1]++; g = ($2 in m) ? m[$2] : $2; p = ($3 in m) ? m[$3] : $3; if (g == p) r[$1]++ }
                END { printf "%d (%d) %d (%d)", n["letters"], r["letters"], n["sisters"], r["sisters"] }')
        f1all=$(awk '/^macro/ { print $5 }' "$WORK/lc.$s.$set.eval-all")
        accall=$(awk '/^accuracy/ { print $2 }' "$WORK/lc.$s.$set.eval-all")
        awk -v s="$s" -v set="$set" -v rep="$rep" -v f1all="$f1all" -v accall="$accall" '
            /^macro/ { f1 = $5 } /^accuracy/ { acc = $2 } /^abstained/ { ab = $4; sub(/\)/, "", ab) }
            END { printf "%-9s %-26s %8s %8s %8s %8s %9s %s\n", s, set, f1, acc, f1all, accall, ab, rep }' \
            "$WORK/lc.$s.$set.eval"
    done
done
