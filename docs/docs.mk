# docs/docs.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# Manual pages of the core command (stage commands list theirs in their fragments).
dist_man_MANS += docs/man/polyphony.1
EXTRA_DIST += docs/README.md
