package models

import "testing"

// TestWindowRestoreSharesAreNotNegative: a checkpoint taken while window 5
// held 600 records, before it fired; it fires (and is purged, or kept for
// allowed lateness), window 6 takes 11 records, and the job fails. The
// restore discards window 6's 11 (read again: rolled back) and reopens
// window 5, whose 600 fire a second time: reopened, not a negative
// rolled-back share (-589 before).
func TestWindowRestoreSharesAreNotNegative(t *testing.T) {
	for _, purged := range []bool{false, true} {
		o := &windowOp{first: 5, wins: []winRef{{records: 600}}}
		snap := o.snapshot()
		o.wins[0].fired = true
		if purged {
			o.wins, o.first = o.wins[1:], 6
		}
		o.at(6).records = 11
		o.restore(snap)
		if o.rolledBack != 11 || o.reopened != 600 {
			t.Errorf("purged %v: rolled back %d, reopened %d; want 11 and 600", purged, o.rolledBack, o.reopened)
		}
	}
}
