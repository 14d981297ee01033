"""A worker has only the project's own dependencies (the Dockerfile installs `.[ops,compile]`): the tagging stage
never imports a package that only builds its lists or trains its models. Run in a fresh process in which those
packages cannot be imported, on texts that take the paths that read GeoNames towns and country codes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from bench.ner_quality import BUILD_ONLY_PACKAGES

REPO = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import sys
    for name in {blocked!r}:
        sys.modules[name] = None  # "import name" raises ImportError from here on
    from worker.tagging import entity_countries, entity_term_sheets, gazetteer
    from worker.tagging.entities import load_pipeline, mapped_spans, pipe_texts

    # every list a rule reads on first need
    assert "Roubaix" in gazetteer.geonames_towns() and "Meddo" in gazetteer.towns_500()
    assert gazetteer.small_places() and gazetteer.town_names()
    assert "Dui" in entity_countries.country_codes() and "JP" in entity_term_sheets._country_codes()
    texts = {{
        "nl": ["VOLENDAM - De burgemeester opende maandag de nieuwe haven.",
               "Deloncles betrokkenheid met de Abwehr maakte hem een verdachte.",
               "1 . Zabel ( Dui ) 3u15:58\\n2 . Di Biase ( Ita ) z.t.\\n3 . Plaza ( Spa / Festina ) z.t."],
        "en": ["ROUBAIX, France 1996-12-06 - The mayor said on Friday the plant would close.",
               "Borrower Toyota Motor Credit Corp\\nAmt $ 100 mln Coupon 6.25 pct\\nSale limits US / UK / JP"],
    }}
    for language, batch in texts.items():
        nlp = load_pipeline(language)
        for doc in pipe_texts(nlp, batch):
            mapped_spans(doc, language)
    print("tagged without", len({blocked!r}), "build-only packages")
""")


def test_the_stage_runs_without_the_packages_that_only_build_its_lists() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT.format(blocked=BUILD_ONLY_PACKAGES)], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "tagged without 6 build-only packages" in result.stdout
