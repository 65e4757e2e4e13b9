#!/bin/bash
# Live: the soak test of top (tests/soak/top-soak.sh) for 20 seconds:
# flat RSS beside a load (one copy; the soak runs three), a snapshot every interval, SIGINT honoured
# within one interval. The full 5-minute run: tests/soak/top-soak.sh 300.
exec bash "$SRCDIR/tests/soak/top-soak.sh" 20 1
