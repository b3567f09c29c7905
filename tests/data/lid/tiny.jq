# The training records of tests/data/lid/tiny.ftz (SOURCE.md): train.jsonl,
# its German records also labelled Norwegian Bokmål (even ids) or Nynorsk
# (odd ids), sisters the model cannot tell apart; every record gets a source,
# "a" (even ids) or "b" (odd ids), for per-source profiles.
(.id | split("-")[1] | tonumber % 2 == 0) as $even
| (if .lang == "de" then ., (. + {lang: (if $even then "nob" else "nno" end)}) else . end)
| . + {source: (if $even then "a" else "b" end)}
