"""The counter: a clerk finds a member's or unit's records, views pages watermarked, prints copies."""
