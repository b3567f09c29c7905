#!/bin/sh
# bench/lid/catalogs.sh — language identification of short user-interface
# strings: up to PER translated strings per language from the message
# catalogs installed on this system (catalogs2jsonl.py; 100 locales, the list
# calibrate.sh uses), scored over the languages the model names (individual
# languages folded into their macrolanguage), with the model's own thresholds.
#
# Usage: bench/lid/catalogs.sh
#   Environment: POLYPHONY (default ./polyphony), MODEL (default: bundled),
#   PER (default 200), WORK (default /tmp/pp-bench-lid). Needs python3, jq.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
POLYPHONY=${POLYPHONY:-$top/polyphony}
MODEL=${MODEL:-$top/langs/models/udhr-lid.ftz}
WORK=${WORK:-/tmp/pp-bench-lid}
PER=${PER:-200}
mkdir -p "$WORK"
python3 "$here/catalogs2jsonl.py" --per "$PER" th=tha km=khm lo=lao my=mya ja=jpn zh_CN=cmn \
    zh_TW=cmn ko=kor ka=kat hy=hye el=ell he=heb am=amh ta=tam si=sin gu=guj bn=ben ml=mal \
    kn=kan te=tel pa=pan dz=dzo bo=bod ru=rus uk=ukr bg=bul sr=srp mk=mkd be=bel kk=kaz \
    ky=kir mn=khk tg=tgk tt=tat ar=arb fa=pes ur=urd ps=pus ug=uig hi=hin mr=mar ne=npi \
    fr=fra de=deu es=spa it=ita pt=por nl=nld pl=pol cs=ces sk=slk sl=slv hr=hrv hu=hun \
    ro=ron fi=fin et=ekk lv=lvs lt=lit sv=swe da=dan nb=nob is=isl ga=gle cy=cym eu=eus \
    ca=cat gl=glg tr=tur az=azj uz=uzn id=ind ms=zsm vi=vie tl=tgl sw=swh yo=yor ha=hau \
    ig=ibo zu=zul xh=xho af=afr wo=wol rw=kin so=som eo=epo > "$WORK/ui.jsonl"
"$POLYPHONY" lid labels --model "$MODEL" | cut -f3 | sort -u | paste -sd, > "$WORK/ui.langs"
"$POLYPHONY" lid --quiet --model "$MODEL" "$WORK/ui.jsonl" > "$WORK/ui.lid.jsonl"
echo "UI strings: $(wc -l < "$WORK/ui.jsonl") from the installed message catalogs"
echo "command: $POLYPHONY lid eval --gold gold --pred iso639_3 --fold $here/macro-fold.tsv --only <model languages> $WORK/ui.lid.jsonl"
"$POLYPHONY" lid eval --gold gold --pred iso639_3 --fold "$here/macro-fold.tsv" \
    --only "$(cat "$WORK/ui.langs")" "$WORK/ui.lid.jsonl" > "$WORK/ui.txt"
grep -E '^(macro|accuracy|abstained)' "$WORK/ui.txt"
sed -n '/most confused/,$p' "$WORK/ui.txt" | head -8
