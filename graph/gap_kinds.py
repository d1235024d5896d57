"""The kinds of gap, in report order (no imports: the command line lists them without the gap rules)."""

KINDS = (
    "goal_without_activity",
    "activity_without_owner",
    "activity_without_deadline",
    "deadline_passed",
    "challenge_without_strategy",
    "sdg_without_activity",
    "citation_not_in_force",
    "law_duty_unaddressed",
)
