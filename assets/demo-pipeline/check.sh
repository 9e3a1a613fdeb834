#!/bin/sh
# A demo test: "$1" names it. A file named fail-<test> in this folder makes it fail, to try
# the halt and the defect it raises.
echo "running the $1 checks of permits $FIREBREAK_VERSION in $FIREBREAK_ENV"
sleep 1
if [ -e "fail-$1" ]; then
  echo "FAILED: renewal journey returned 502 at step 3 of 5" >&2
  exit 1
fi
echo "all $1 checks passed"
