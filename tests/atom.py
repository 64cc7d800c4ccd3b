"""The RFC 4287 check every Atom feed of the portal passes (the public feed, tests/opendata/test_feeds.py,
and the subscriptions' private feeds, tests/matching/test_subscription_feed.py): the RELAX NG schema of
appendix B (tests/opendata/atom.rng), its two Schematron rules, and the elements every feed and entry
must have (4.1.1, 4.1.2)."""

from pathlib import Path

from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
NS = {"a": "http://www.w3.org/2005/Atom"}
SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).parent / "opendata" / "atom.rng")))


def check_atom(content):
    """The feed parsed (bytes or an element), after checking it against RFC 4287."""
    root = content if isinstance(content, etree._Element) else etree.fromstring(content)
    assert SCHEMA.validate(root), SCHEMA.error_log
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"a:{name}", NS)) == 1, name
    entries = root.findall("a:entry", NS)
    # Schematron: the feed has an author, or every entry has one.
    assert root.find("a:author/a:name", NS) is not None or all(
        e.find("a:author", NS) is not None for e in entries
    )
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"a:{name}", NS)) == 1, name
        # Schematron: an alternate link or content.
        assert entry.xpath("a:link[@rel='alternate'] | a:link[not(@rel)] | a:content", namespaces=NS)
    ids = [e.findtext("a:id", namespaces=NS) for e in entries]
    assert len(set(ids)) == len(ids), "entry ids are unique"
    return root
