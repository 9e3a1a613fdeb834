#!/bin/sh
# A demo deploy: says what it deploys where, and takes a moment.
echo "deploying permits $FIREBREAK_VERSION to $FIREBREAK_ENV${FIREBREAK_SLOT:+ (slot $FIREBREAK_SLOT)}"
sleep 1
echo "deployed${FIREBREAK_URL:+, reachable at $FIREBREAK_URL}"
