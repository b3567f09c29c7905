#include "config.h"
#include "cli/cli.h"
int cmd_discover(int argc, char **argv) { (void)argc; (void)argv; return 2; }
