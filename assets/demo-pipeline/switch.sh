#!/bin/sh
# A demo switch: production traffic now goes to the named slot.
echo "routing https://permits.northbridge.example to slot $FIREBREAK_SLOT ($FIREBREAK_VERSION)"
