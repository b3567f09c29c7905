# tokenizers/shim.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# The SentencePiece C shim.
nobase_pkginclude_HEADERS += tokenizers/pp_spm.h
libpolyphony_la_SOURCES += tokenizers/pp_spm.h tokenizers/spm_shim.cc tokenizers/spm_proto.h \
	tokenizers/spm_model_check.cc
