# align/align.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
