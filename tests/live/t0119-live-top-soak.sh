#!/bin/bash
# Live: the soak test of top (tests/soak/top-soak.sh) for 20 seconds beside
# three loads on however many CPUs: RSS bounded, a snapshot every interval
# and each on time (decoding may be behind, and says so), SIGINT honoured
# within one interval, the instance gone. The soak skips (77, with the
# reason) where tracefs is not usable. The full run: tests/soak/top-soak.sh 300.
perl -MJSON::PP -e 1 2>/dev/null || { echo "SKIP: perl's JSON::PP is not installed" >&2; exit 77; }
exec bash "$SRCDIR/tests/soak/top-soak.sh" 20 3
