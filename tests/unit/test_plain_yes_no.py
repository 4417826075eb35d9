"""A bare yes or no, typed in the entrepreneur's own words, answers a yes/no-shaped question."""

import pytest

from bot.app.replies import plain_no, plain_yes


@pytest.mark.parametrize("text", ["ja", "Jawel hoor!", "zeker weten", "tuurlijk", "ja natuurlijk"])
def test_plain_yes(text):
    assert plain_yes(text) and not plain_no(text)


@pytest.mark.parametrize("text", ["nee", "nou nee niet echt", "welnee", "zeker niet", "nee joh"])
def test_plain_no(text):
    assert plain_no(text) and not plain_yes(text)


@pytest.mark.parametrize("text", ["ok", "hmm", "ja maar alleen in de zomer", "soms"])
def test_not_a_plain_yes_or_no(text):
    assert not plain_yes(text) and not plain_no(text)
