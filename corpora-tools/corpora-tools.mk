# corpora-tools/corpora-tools.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# What the corpus commands of every step share: spooling stdin to a temporary
# file for commands that read their input twice.
polyphony_SOURCES += corpora-tools/cmd_spool.h corpora-tools/cmd_spool.c
