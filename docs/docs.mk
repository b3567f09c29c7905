# docs/docs.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# Manual pages of the core command (stage commands list theirs in their fragments).
dist_man_MANS += docs/man/polyphony.1
EXTRA_DIST += docs/README.md

# The user guide: three walkthroughs, installed under the documentation
# directory with the example files their sessions start from (examples/ is
# where dh_compress leaves files as they are, so the sessions can use them).
# tests/guide.sh runs every command of the guide and compares its output.
guidedir = $(docdir)/guide
dist_guide_DATA = docs/guide/README.md docs/guide/community.md \
	docs/guide/researcher.md docs/guide/packager.md
guideexamplesdir = $(docdir)/examples/guide
dist_guideexamples_DATA = tests/data/guide/SOURCE.md tests/data/guide/habari.txt \
	tests/data/guide/hadithi.txt tests/data/guide/config.json \
	tests/data/guide/annotators.json tests/data/guide/prefs.jsonl \
	tests/data/guide/mt-outputs.jsonl
guidetemplatesdir = $(docdir)/examples/guide/templates
dist_guidetemplates_DATA = tests/data/guide/templates/kijiji-cloze.xml
# The pages of each stage (distributed by their stages' fragments) are
# installed in the documentation directory too, since the guide links to them.
doc_DATA = docs/ingest.md docs/registry.md docs/lid.md docs/filter.md docs/dedup.md \
	docs/pii.md docs/scale.md docs/tokenizers.md docs/instruct.md docs/prefs.md \
	docs/train.md docs/audit.md
TESTS += tests/guide.sh
EXTRA_DIST += tests/guide.sh tests/data/guide/regenerate.sh
