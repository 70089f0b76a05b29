# Sourced by setup.sh (and by its test): reading another program's version from its output.
#
# `first_version` prints the first word of the first line of standard input that starts with a
# version number (1.2.3). Programs log before they answer: on its first start code-server writes
# a default config file and prints "[...] info  Wrote default config file to ..." ahead of
# "4.139.1 <commit> with Code 1.139.1", so "line 1" is not "the version".
first_version() {
  sed -n -E '/^v?[0-9]+\.[0-9]+\.[0-9]+/{s/^v?([0-9]+\.[0-9]+\.[0-9]+[^[:space:]]*).*/\1/p;q;}'
}
