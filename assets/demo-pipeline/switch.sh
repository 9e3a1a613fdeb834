#!/bin/sh
# A demo switch and rollback: production traffic now goes to the named slot, which holds the
# named version ($FIREBREAK_CHANGE says which change it is; both go *to* slot and version).
echo "$FIREBREAK_CHANGE: routing https://permits.northbridge.example to slot $FIREBREAK_SLOT ($FIREBREAK_VERSION)"
