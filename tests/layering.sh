#!/bin/sh
# tests/layering.sh — the layering rule of the tree (DESIGN-NOTES.md, "Folders
# and layers"), checked on every project #include:
#   - includes name their folder from the top of the tree ("langs/pp_lid.h");
#   - the core (src/) includes nothing from a stage;
#   - a stage includes the core, its own headers, and other stages' public
#     headers only: the ones the fragments install (PP_PUBLIC_HEADERS, set by
#     make check from pkginclude_HEADERS and nobase_pkginclude_HEADERS).
# Needs: top_srcdir, PP_PUBLIC_HEADERS.
set -u
: "${top_srcdir:?}"
if [ -z "${PP_PUBLIC_HEADERS:-}" ]; then
    echo "layering.sh: PP_PUBLIC_HEADERS is empty (run it from make check)" >&2
    exit 99
fi
cd "$top_srcdir" || exit 99
stages="langs corpora-tools tokenizers align eval-sets"
files=$(find src $stages -type f \( -name '*.c' -o -name '*.h' -o -name '*.cc' \) | sort)
check() {
for f in $files; do
    from=${f%%/*}
    # file:line:header for each quoted include
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
        sed 's/^\([0-9]*\):.*include[[:space:]]*"\([^"]*\)".*/\1 \2/' |
        while read -r line hdr; do
            [ "$hdr" = config.h ] && continue
            to=${hdr%%/*}
            why=
            if [ "$to" = "$hdr" ]; then
                why="include does not name its folder"
            elif [ ! -f "$hdr" ]; then
                why="no such header from the top of the tree"
            elif [ "$from" = src ] && [ "$to" != src ]; then
                why="the core includes a stage"
            elif [ "$to" != src ] && [ "$to" != "$from" ]; then
                case " $PP_PUBLIC_HEADERS " in
                *" $hdr "*) ;;
                *) why="private header of another stage" ;;
                esac
            fi
            if [ -n "$why" ]; then
                echo "$f:$line: #include \"$hdr\": $why"
            fi
        done
done
}
bad=$(check)
n=$(echo "$files" | wc -l)
if [ -n "$bad" ]; then
    echo "$bad"
    echo "layering: $(echo "$bad" | wc -l) include(s) break the layering rule" >&2
    exit 1
fi
echo "layering: $n files, every include within the rule"
