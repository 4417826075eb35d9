"""Campaign links: whitelist, building links, QR codes, the CLI."""

from __future__ import annotations

import argparse

import pytest

from bot.web import cli
from bot.web.links import (
    FIXED_SOURCES,
    LinkError,
    LinkParams,
    RegionInfo,
    clean_link_params,
    known_regions,
    make_link,
    write_qr,
)

REGIONS = {"twente": RegionInfo("twente", "Twente", ("flyer", "ikbindr"))}


def test_clean_keeps_known_values_and_normalises_case():
    got = clean_link_params(
        {"regio": " Twente ", "bron": "LinkedIn", "campagne": "Najaar-2026"}, REGIONS
    )
    assert got == LinkParams("twente", "linkedin", "najaar-2026")


def test_clean_drops_each_bad_value_on_its_own():
    got = clean_link_params({"regio": "twente", "bron": "spam", "campagne": "a b"}, REGIONS)
    assert got == LinkParams("twente", None, None)
    got = clean_link_params({"regio": "<x>", "bron": "flyer"}, REGIONS)
    assert got == LinkParams(None, None, None)  # flyer is only allowed with its region


def test_clean_takes_the_first_of_repeated_values():
    assert clean_link_params({"regio": ["twente", "x"]}, REGIONS).regio == "twente"


def test_make_link_and_errors_name_what_is_allowed():
    link = make_link(REGIONS, "twente", "linkedin", "najaar", "https://chat.example.org/")
    assert link == "https://chat.example.org/chat?regio=twente&bron=linkedin&campagne=najaar"
    with pytest.raises(LinkError, match="known regions: twente"):
        make_link(REGIONS, "drenthe", "linkedin")
    with pytest.raises(LinkError, match="allowed: website, linkedin.*flyer"):
        make_link(REGIONS, "twente", "tiktok")
    with pytest.raises(LinkError, match="1-40 characters"):
        make_link(REGIONS, "twente", "linkedin", "Najaar 2026!")


def test_qr_code_decodes_to_a_png_of_the_link(tmp_path):
    from PIL import Image

    path = write_qr("http://localhost:8080/chat?regio=twente&bron=qr", tmp_path / "qr" / "t.png")
    with Image.open(path) as img:
        assert img.format == "PNG" and img.size[0] == img.size[1] >= 250


def test_shipped_regions_are_read():
    regions = known_regions()
    assert regions, "no regions found"
    for region in regions.values():
        assert region.id and region.name
        assert not set(region.campaign_sources) & {""}
    assert "linkedin" in FIXED_SOURCES


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_links_make_prints_link_and_writes_qr(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "known_regions", lambda: REGIONS)
    qr = tmp_path / "out.png"
    code = _run(
        [
            "links",
            "make",
            "--regio",
            "twente",
            "--bron",
            "linkedin",
            "--campagne",
            "najaar",
            "--base-url",
            "http://x.test",
            "--qr",
            str(qr),
        ]
    )
    assert code == 0
    assert capsys.readouterr().out.strip() == (
        "http://x.test/chat?regio=twente&bron=linkedin&campagne=najaar"
    )
    assert qr.read_bytes().startswith(b"\x89PNG")


def test_cli_links_make_refuses_unknown_values(capsys, monkeypatch):
    monkeypatch.setattr(cli, "known_regions", lambda: REGIONS)
    assert _run(["links", "make", "--regio", "twente", "--bron", "tiktok"]) == 2
    assert "unknown source 'tiktok'" in capsys.readouterr().err
