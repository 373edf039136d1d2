"""Live checks against a cloud the buyer has a trial account on (needs ``buyer[live]``)."""
