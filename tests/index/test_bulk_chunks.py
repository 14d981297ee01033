from __future__ import annotations

from worker.index.store import bulk_chunks


def line(i: int, size: int) -> tuple[str, str, str]:
    return (str(i), '{"index":{}}', "x" * size)


def test_bulk_requests_are_bounded_by_bytes_as_well_as_count() -> None:
    lines = [line(i, 400) for i in range(10)]
    by_count = list(bulk_chunks(lines, max_docs=4, max_bytes=10**9))
    assert [len(c) for c in by_count] == [4, 4, 2]
    by_bytes = list(bulk_chunks(lines, max_docs=100, max_bytes=1000))
    assert [len(c) for c in by_bytes] == [2, 2, 2, 2, 2]
    assert [e for c in by_bytes for e in c] == lines  # nothing lost, order kept


def test_a_document_larger_than_the_byte_limit_goes_alone() -> None:
    lines = [line(0, 10), line(1, 5000), line(2, 10)]
    assert [[e[0] for e in c] for c in bulk_chunks(lines, max_docs=100, max_bytes=1000)] == [["0"], ["1"], ["2"]]
