"""One definition of Chinese characters for names, titles, OCR and search."""

import re

from kernel.han import HAN_CLASS, has_han


def test_chinese_characters_are_found_and_latin_letters_are_not():
    assert has_han("养老保险待遇核定表") and has_han("zhangsan 张三")
    assert not has_han("zhangsan-jiaofei") and not has_han("2026-12-02 ·、，")


def test_extension_a_characters_count_as_chinese():
    # 㐂 (U+3402) appears in rare given names; the counter must accept it.
    assert has_han("李㐂") and re.fullmatch(rf"[{HAN_CLASS}]+", "李㐂")
