# src/cli/cli.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# The `polyphony` command: dispatch table, shared option helpers, help/version.
polyphony_SOURCES += src/cli/main.c src/cli/cli.h src/cli/cli_util.c src/cli/commands.c \
	src/cli/cli_dispatch.c src/cli/cli_options.c
