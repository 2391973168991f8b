"""Cells written to a spreadsheet or CSV never start a formula."""

import csv
import io

import pytest

from kernel.exports import cell_safe


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x","y")', "+1", "-1+2", "@SUM(A1)",
                                   "\t=1", "\r=1"])
def test_a_value_that_would_start_a_formula_is_prefixed_with_a_quote(value):
    assert cell_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["GL01", "社会保险管理类", "", 10, None, "a=b"])
def test_other_values_are_written_unchanged(value):
    assert cell_safe(value) == value


def test_a_formula_stage_name_comes_out_of_csv_as_text():
    out = io.StringIO()
    csv.writer(out).writerow([cell_safe(v) for v in ["GL10", '=HYPERLINK("http://x","y")']])
    row = next(csv.reader(io.StringIO(out.getvalue())))
    assert row == ["GL10", '\'=HYPERLINK("http://x","y")']
