from index.metadata import parse_date_string


def _meta(seed_prepared, aid):
    article, _ = seed_prepared[aid]
    return article


def _at(article, field):
    return article.text[field.start:field.end]


def test_tass_geneva_report(seed_prepared):
    a = _meta(seed_prepared, "000_26fa5ce3f242af54")
    assert a.title.value.startswith("Russian-US talks cannot focus on INF Treaty")
    assert (a.date.iso, a.date.precision) == ("2022-01-10T23:10", "minute")
    assert _at(a, a.date) == "January 10, 2022, 23:10"
    assert (a.dateline.value, a.outlet.value) == ("GENEVA", "TASS")
    assert _at(a, a.dateline) == "GENEVA" and _at(a, a.outlet) == "TASS"


def test_tass_2019_report_has_no_invented_year(seed_prepared):
    a = _meta(seed_prepared, "001_596bc3409c48ad04")
    assert a.title.value == "Russian diplomat calls on NATO to pool efforts to keep INF Treaty in place"
    assert a.date.year is None and (a.date.month, a.date.day) == (1, 25)
    assert (a.date.iso, a.date.precision) == ("--01-25", "month-day")
    assert _at(a, a.date) == "January 25"
    assert (a.dateline.value, a.outlet.value) == ("MOSCOW", "TASS")


def test_eirns_reports(seed_prepared):
    a = _meta(seed_prepared, "002_82730997460d64a4")
    assert a.title.value.startswith("U.S.-Russian Talks Set")
    assert (a.date.iso, a.date.precision, _at(a, a.date)) == ("2021-12-23", "day", "Dec. 23, 2021")
    assert a.outlet.value == "EIRNS" and a.dateline is None
    b = _meta(seed_prepared, "004_b2e3140862302f81")
    assert b.title.value.startswith("Russian Diplomat Ryabkov Affirms")
    assert (b.date.iso, _at(b, b.date), b.outlet.value) == ("2022-01-06", "Jan. 6, 2022", "EIRNS")


def test_blog_quoting_rt(seed_prepared):
    a = _meta(seed_prepared, "003_70ff3accb9f1b79d")
    assert a.title.value == "Security talks with West 'not very inspiring', Russian diplomat tells RT"
    assert (a.date.iso, _at(a, a.date)) == ("2022-01-21", "Friday 21 January 2022")
    assert a.outlet.value == "RT" and _at(a, a.outlet) == "RT"


def test_parse_date_string_precision():
    assert parse_date_string("2022-01-10").iso == "2022-01-10"
    assert parse_date_string("Dec. 23, 2021").iso == "2021-12-23"
    assert parse_date_string("January 25").precision == "month-day"


def test_a_dateline_with_a_state_or_country_and_an_outlet():
    from index import cleaning, metadata

    for text, place, outlet in [
        ("Bridge to reopen late\n\nLocal September 12, 2023, 19:05\n\nFENMORE, Vermont, Sept 12 (Green Mountain Wire)"
         " - The bridge will reopen.", "FENMORE", "Green Mountain Wire"),
        ("Fire spreads\n\nKELOWNA, British Columbia, Aug 5 (Northern Ledger) - A wildfire grew.", "KELOWNA",
         "Northern Ledger"),
        ("Merger agreed\n\nNEW YORK/OSLO, Oct 11 (Campus & Capital) - Two groups merged.", "NEW YORK/OSLO",
         "Campus & Capital"),
    ]:
        lines = cleaning.content_lines(text, cleaning.find_boilerplate(text))
        meta = metadata.extract(text, lines)
        assert (meta["dateline"].value, meta["outlet"].value) == (place, outlet)
        assert text[meta["outlet"].start:meta["outlet"].end] == outlet
