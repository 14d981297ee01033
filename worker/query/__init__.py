"""The search query language: folding, parsing to an AST, compiling to Elasticsearch's bool DSL."""

from worker.query.compile import compile_query
from worker.query.fold import fold_key, fold_text
from worker.query.parser import QuerySyntaxError, parse

__all__ = ["QuerySyntaxError", "compile_query", "fold_key", "fold_text", "parse"]
