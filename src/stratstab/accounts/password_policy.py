"""What a new password must be: the one check every way of setting a password calls.

Account creation (admin page and API, demo seeding, any command line tool),
password reset and invitation acceptance all go through
:func:`check_new_password` (``accounts.service.create_user`` and
``accounts.service.set_password`` call it), so the rule lives here alone:

- at least :data:`MIN_LENGTH` characters and at most :data:`MAX_LENGTH`;
- no control characters (NUL, escape, DEL, C1 controls) and no lone surrogates,
  which cannot be typed reliably and break encodings;
- a strength estimate of at least :data:`MIN_SCORE` of 4 by ``zxcvbn`` (Dropbox's
  estimator, which recognises common passwords, dictionary words, names, keyboard
  patterns, repeats, sequences and dates), told the user name, display name and
  delegation code so that a password made of them counts as guessable.

No composition rules (capitals, digits, symbols): length and the estimate decide,
as the yardstick below recommends.  Refusals carry the estimator's warning and
suggestions as locale keys (``password.feedback.*``) so the web shows them in the
reader's language; the English text is the error's message for the command line.

References: OWASP ASVS 4.0.3, V2.1 (password security: length of at least 12, no
composition rules, a strength meter, all printable Unicode allowed); D. L. Wheeler,
"zxcvbn: Low-Budget Password Strength Estimation", USENIX Security 2016.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from zxcvbn import zxcvbn

from stratstab.errors import InputError

MIN_LENGTH = 12
MAX_LENGTH = 1024
MIN_SCORE = 3  # zxcvbn: "safely unguessable", about 10^8 guesses or more
# zxcvbn refuses longer input (its matching is quadratic); the strength of a prefix is a
# lower bound on the strength of the whole password.
ESTIMATED_PREFIX = 72
_CONTROL_CATEGORIES = frozenset({"Cc", "Cs"})

# zxcvbn's English feedback -> locale key under ``password.feedback.``.
FEEDBACK_KEYS = {
    "Use a few words, avoid common phrases.": "few_words",
    "No need for symbols, digits, or uppercase letters.": "no_symbols_needed",
    "Add another word or two. Uncommon words are better.": "add_word",
    "Straight rows of keys are easy to guess.": "straight_rows",
    "Short keyboard patterns are easy to guess.": "short_keyboard",
    "Use a longer keyboard pattern with more turns.": "longer_keyboard",
    'Repeats like "aaa" are easy to guess.': "repeats",
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': "repeats_long",
    "Avoid repeated words and characters.": "avoid_repeats",
    'Sequences like "abc" or "6543" are easy to guess.': "sequences",
    "Avoid sequences.": "avoid_sequences",
    "Recent years are easy to guess.": "recent_years",
    "Avoid recent years.": "avoid_recent_years",
    "Avoid years that are associated with you.": "avoid_your_years",
    "Dates are often easy to guess.": "dates",
    "Avoid dates and years that are associated with you.": "avoid_dates",
    "This is a top-10 common password.": "top10",
    "This is a top-100 common password.": "top100",
    "This is a very common password.": "very_common",
    "This is similar to a commonly used password.": "similar_common",
    "A word by itself is easy to guess.": "single_word",
    "Names and surnames by themselves are easy to guess.": "names",
    "Common names and surnames are easy to guess.": "common_names",
    "Capitalization doesn't help very much.": "capitalization",
    "All-uppercase is almost as easy to guess as all-lowercase.": "uppercase",
    "Reversed words aren't much harder to guess.": "reversed",
    "Predictable substitutions like '@' instead of 'a' don't help very much.": "substitutions",
}


class WeakPasswordError(InputError):
    """A new password was refused.

    ``reason`` is the locale key of the refusal (``password.too_short``,
    ``password.control_characters``, ``password.weak`` ...), ``values`` fills its
    placeholders, and ``feedback`` lists the locale keys of the estimator's warning and
    suggestions.
    """

    def __init__(
        self, message: str, *, reason: str, values: dict | None = None, feedback=()
    ) -> None:
        super().__init__(message, field="password")
        self.reason = reason
        self.values = dict(values or {})
        self.feedback = list(feedback)


def _user_inputs(values: Iterable[str | None]) -> list[str]:
    """Words of the account that a password must not be built from."""
    words: list[str] = []
    for value in values:
        if not value:
            continue
        parts = value.lower().replace("-", " ").replace(".", " ").replace("_", " ").split()
        words += [value.lower(), "".join(parts), *parts]
    return [w for w in dict.fromkeys(words) if len(w) >= 2] + ["stratstab"]


def check_new_password(
    password: str,
    *,
    username: str | None = None,
    display_name: str | None = None,
    other_inputs: Iterable[str | None] = (),
) -> None:
    """Refuse ``password`` as a new password with :class:`WeakPasswordError`, or return."""
    if any(unicodedata.category(character) in _CONTROL_CATEGORIES for character in password):
        raise WeakPasswordError(
            "contains control characters (such as NUL or escape); use printable characters",
            reason="password.control_characters",
        )
    if len(password) > MAX_LENGTH:
        raise WeakPasswordError(
            f"too long: at most {MAX_LENGTH} characters expected",
            reason="password.too_long",
            values={"max_length": MAX_LENGTH},
        )
    inputs = _user_inputs([username, display_name, *other_inputs])
    estimate = zxcvbn(password[:ESTIMATED_PREFIX], user_inputs=inputs)
    score = estimate["score"]
    if len(password) >= MIN_LENGTH and score >= MIN_SCORE:
        return
    warning = estimate["feedback"].get("warning") or ""
    suggestions = list(estimate["feedback"].get("suggestions") or [])
    said = [text for text in (warning, *suggestions) if text]
    if not said:
        said = ["Add another word or two. Uncommon words are better."]
    feedback = [FEEDBACK_KEYS[text] for text in said if text in FEEDBACK_KEYS]
    if len(password) < MIN_LENGTH:
        message = f"too short: at least {MIN_LENGTH} characters expected"
        reason, values = "password.too_short", {"min_length": MIN_LENGTH}
    else:
        message = f"too easy to guess (strength {score} of 4, at least {MIN_SCORE} needed)"
        reason, values = "password.weak", {"score": score, "min_score": MIN_SCORE}
    raise WeakPasswordError(
        f"{message}: {' '.join(said)}", reason=reason, values=values, feedback=feedback
    )
