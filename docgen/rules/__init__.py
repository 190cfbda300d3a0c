"""Domain rules as pure functions: vote thresholds, quota fill, eligibility, rule sets, recipients.

No I/O here except reading the package's own rule data; each rule cites its source.
"""
