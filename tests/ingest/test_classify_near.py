"""The fuzzy term match finds exactly what a character-by-character scan finds."""

import random

from ingest.classify import _near


def _scan(term: str, text: str) -> bool:
    size = len(term)
    if size < 4 or len(text) < size:
        return False
    return any(sum(a != b for a, b in zip(term, text[i:i + size])) <= 1
               for i in range(len(text) - size + 1))


def test_the_half_term_shortcut_never_changes_the_answer():
    rng = random.Random(15)
    alphabet = "养老保险待遇核定表登记申请失业工伤"
    for _ in range(5000):
        term = "".join(rng.choice(alphabet) for _ in range(rng.randint(3, 9)))
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        if rng.random() < 0.5 and len(term) >= 4:  # plant the term with one slip
            slip = list(term)
            slip[rng.randrange(len(slip))] = rng.choice(alphabet)
            cut = rng.randint(0, len(text))
            text = text[:cut] + "".join(slip) + text[cut:]
        assert _near(term, text) == _scan(term, text), (term, text)


def test_a_heading_with_one_misread_character_still_matches():
    assert _near("社会保险登记证", "社会保险登汜证管理")
    assert not _near("社会保险登记证", "养老待遇核定表")
