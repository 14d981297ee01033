"""Writes the encoding corpus: news feeds and pages in legacy encodings, most of them undeclared.

Run from the repository root: `python tests/data/sources/encodings/make_corpus.py`. The texts are our own.
Each case is `<name>.<ext>` (the bytes a server sends), and one line in `cases.json`: its Content-Type,
the language it is in, and the text that must come out exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

TEXTS = {
    "ru": [
        "Правительство объявило о новых мерах поддержки малого бизнеса",
        "Министр экономики заявил в среду, что льготные кредиты получат более двадцати тысяч предприятий. "
        "Программа рассчитана на три года, а первые заявки начнут принимать уже в следующем месяце.",
        "Эксперты считают, что решение поможет сохранить рабочие места в регионах, однако предупреждают о росте "
        "нагрузки на бюджет. Подробности обещают опубликовать до конца недели.",
    ],
    "uk": [
        "Уряд оголосив про нові заходи підтримки фермерів",
        "Міністр аграрної політики повідомив, що компенсації за пальне отримають понад десять тисяч господарств. "
        "Заявки прийматимуть через місцеві громади, а перші виплати очікуються вже восени.",
        "Представники галузі вітають рішення, проте наголошують, що цього недостатньо для відновлення "
        "зрошувальних систем на півдні країни.",
    ],
    "bg": [
        "Общината ще ремонтира централния площад до края на годината",
        "Кметът обяви, че проектът ще бъде финансиран със средства от европейските фондове. Работите започват "
        "през юни, като движението по съседните улици ще бъде ограничено за около четири месеца.",
        "Жителите на квартала изразиха надежда, че новите пейки и дървета ще върнат живота в центъра.",
    ],
    "pl": [
        "Rząd zapowiada zmiany w podatkach od nieruchomości",
        "Minister finansów poinformował w środę, że nowe przepisy mają wejść w życie od przyszłego roku. "
        "Właściciele mieszkań zapłacą mniej, ale podatek od dużych działek budowlanych wzrośnie.",
        "Samorządowcy obawiają się spadku dochodów gmin i żądają szczegółowych wyliczeń. Źródła w ministerstwie "
        "twierdzą, że rekompensaty są już przygotowane.",
    ],
    "cs": [
        "Vláda schválila rozpočet na příští rok",
        "Ministr financí uvedl, že schodek bude nižší než letos a většina úspor půjde z provozních výdajů "
        "ministerstev. Více peněz dostanou školy, nemocnice a údržba železnic.",
        "Opozice návrh kritizuje a tvrdí, že příjmy státu jsou nadhodnocené. Sněmovna o rozpočtu bude hlasovat "
        "v listopadu.",
    ],
    "hu": [
        "Új villamosvonal épül a főváros déli kerületeiben",
        "A közlekedési vállalat szerint a beruházás két év alatt készül el, és naponta több mint húszezer "
        "utasnak könnyíti meg a munkába járást. Az építkezés idején pótlóbuszok közlekednek.",
        "A környéken élők üdvözölték a döntést, de attól tartanak, hogy a munkálatok zajjal és forgalmi "
        "dugókkal járnak majd.",
    ],
    "el": [
        "Νέα μέτρα για την ενίσχυση του τουρισμού στα νησιά",
        "Ο υπουργός Τουρισμού ανακοίνωσε ότι θα διατεθούν επιπλέον κονδύλια για την αναβάθμιση των λιμανιών "
        "και των αεροδρομίων. Οι πρώτες εργασίες θα ξεκινήσουν πριν από το καλοκαίρι.",
        "Οι επαγγελματίες του κλάδου χαιρετίζουν την απόφαση, αλλά ζητούν και μέτρα για τη στέγαση των εργαζομένων.",
    ],
    "tr": [
        "Belediye şehir merkezinde yeni bir park yapacak",
        "Belediye başkanı, eski otobüs garajının bulunduğu alanın yeşil bir parka dönüştürüleceğini açıkladı. "
        "Çalışmaların ilkbaharda başlaması ve iki yıl içinde tamamlanması bekleniyor.",
        "Mahalle sakinleri kararı memnuniyetle karşıladı; ancak otopark sorununun da çözülmesini istiyorlar.",
    ],
    "de": [
        "Stadtrat beschließt günstigere Tickets für Schüler",
        "Ab dem nächsten Schuljahr zahlen Schülerinnen und Schüler für die Monatskarte nur noch die Hälfte. "
        "Die Mehrkosten von rund zwei Millionen Euro übernimmt die Stadt aus ihren Rücklagen.",
        "Elternvertreter begrüßen die Entscheidung, fordern aber zusätzlich häufigere Busse in den Außenbezirken.",
    ],
    "nl": [
        "Gemeente opent nieuwe fietsenstalling bij het station",
        "De stalling onder het stationsplein biedt plaats aan ruim drieduizend fietsen en is de eerste 24 uur "
        "gratis. Volgens de wethouder is dat één van de grootste stallingen van de provincie.",
        "Reizigers reageren positief, al vinden sommigen de ingang aan de zuidkant lastig te vinden. De gemeente "
        "belooft extra borden te plaatsen, ook bij het café naast de ingang.",
    ],
    "fr": [
        "La mairie annonce la rénovation de la bibliothèque municipale",
        "Les travaux débuteront au printemps et dureront près d'un an. Pendant cette période, un service de prêt "
        "sera assuré dans l'ancienne école du quartier.",
        "Les élus de l'opposition regrettent que le projet ne prévoie pas d'élargir les horaires d'ouverture.",
    ],
    "ja": [
        "政府が新しい子育て支援策を発表",
        "政府は水曜日、来年四月から保育料の負担を軽くする新しい支援策を発表した。地方の自治体にも補助金が配られ、"
        "保育士の給料を引き上げるための予算も組まれる。対象となる家庭は全国でおよそ二百万世帯に上る見込みだ。",
        "専門家は少子化対策として一定の効果があると評価しているが、財源の確保が課題だと指摘している。"
        "詳しい内容は今月末までに公表される予定だ。",
    ],
    "zh": [
        "市政府公布新的公共交通计划",
        "市政府星期三宣布，从明年起地铁将延长运营时间，公共汽车线路也会重新调整，以方便郊区居民上下班。"
        "交通部门表示，新计划将在今后两年内分阶段实施，预计每天可以多服务十万名乘客。",
        "市民普遍欢迎这一决定，但也希望票价保持稳定。有专家指出，城市还需要更多的自行车道和停车场。",
    ],
    "zh-hant": [
        "市政府公布新的大眾運輸計畫",
        "市政府星期三宣布，從明年起捷運將延長營運時間，公車路線也會重新調整，以方便郊區居民上下班。"
        "交通局表示，新計畫將在今後兩年內分階段實施，預計每天可以多服務十萬名乘客。",
        "市民普遍歡迎這項決定，但也希望票價保持穩定。有專家指出，城市還需要更多的自行車道和停車場。",
    ],
    "ko": [
        "정부, 청년 주거 지원 확대 발표",
        "정부는 수요일 내년부터 청년 주거 지원을 크게 확대한다고 발표했다. 월세 보조금을 받을 수 있는 대상이 "
        "늘어나고, 지방 도시에도 공공 임대주택이 새로 지어진다. 첫 신청은 다음 달부터 받을 예정이다.",
        "전문가들은 이번 조치가 주거 부담을 줄이는 데 도움이 될 것이라고 평가했지만, 집값 안정 대책도 함께 "
        "필요하다고 지적했다.",
    ],
}

# name, language, encoding, kind, how it is (not) declared
CASES = [
    ("rss_ru_cp1251_undeclared", "ru", "cp1251", "rss", {"feed_language": True}),
    ("rss_ru_koi8r_undeclared_nolang", "ru", "koi8_r", "rss", {}),
    ("rss_ru_koi8r_declared", "ru", "koi8_r", "rss", {"xml_decl": "KOI8-R"}),
    ("page_ru_cp1251_meta_after_4k", "ru", "cp1251", "html", {"late_meta": "windows-1251"}),
    ("page_ru_koi8r_undeclared", "ru", "koi8_r", "html", {}),
    ("page_uk_cp1251_undeclared", "uk", "cp1251", "html", {}),
    ("page_bg_cp1251_lang", "bg", "cp1251", "html", {"html_lang": True}),
    ("rss_pl_iso8859-2_undeclared", "pl", "iso8859_2", "rss", {"feed_language": True}),
    ("page_pl_iso8859-2_undeclared", "pl", "iso8859_2", "html", {}),
    ("page_pl_cp1250_undeclared", "pl", "cp1250", "html", {}),
    ("page_cs_iso8859-2_undeclared", "cs", "iso8859_2", "html", {}),
    ("rss_cs_cp1250_undeclared", "cs", "cp1250", "rss", {}),
    ("page_hu_iso8859-2_lang", "hu", "iso8859_2", "html", {"html_lang": True}),
    ("page_el_iso8859-7_undeclared", "el", "iso8859_7", "html", {}),
    ("page_el_cp1253_lang", "el", "cp1253", "html", {"html_lang": True}),
    ("page_tr_cp1254_undeclared", "tr", "cp1254", "html", {}),
    ("page_de_cp1252_undeclared", "de", "cp1252", "html", {}),
    ("page_nl_cp1252_undeclared", "nl", "cp1252", "html", {}),
    ("page_fr_latin1_header", "fr", "latin_1", "html", {"header": "ISO-8859-1"}),
    ("page_de_utf8_header_says_latin1", "de", "utf-8", "html", {"header": "iso-8859-1"}),
    # Multi-byte CJK encodings, undeclared, with and without a language to go by.
    ("page_ja_shift-jis_undeclared", "ja", "shift_jis", "html", {}),
    ("rss_ja_shift-jis_undeclared", "ja", "shift_jis", "rss", {"feed_language": True}),
    ("page_ja_euc-jp_undeclared", "ja", "euc_jp", "html", {}),
    ("rss_ja_euc-jp_undeclared_nolang", "ja", "euc_jp", "rss", {}),
    ("page_zh_gb18030_undeclared", "zh", "gb18030", "html", {}),
    ("rss_zh_gb18030_undeclared", "zh", "gb18030", "rss", {"feed_language": True}),
    ("page_zh-hant_big5_lang", "zh-hant", "big5", "html", {"html_lang": True}),
    ("rss_zh-hant_big5_undeclared_nolang", "zh-hant", "big5", "rss", {}),
    ("page_ko_euc-kr_undeclared", "ko", "euc_kr", "html", {}),
    ("rss_ko_euc-kr_undeclared", "ko", "euc_kr", "rss", {"feed_language": True}),
]


def rss(title: str, paragraphs: list[str], language: str, declare: dict[str, object]) -> str:
    decl = f'<?xml version="1.0" encoding="{declare["xml_decl"]}"?>\n' if "xml_decl" in declare else ""
    lang = f"<language>{language}</language>" if declare.get("feed_language") else ""
    body = "".join(f"&lt;p&gt;{p}&lt;/p&gt;" for p in paragraphs)
    return (
        f'{decl}<rss version="2.0"><channel><title>Local news</title><link>https://news.example/</link>{lang}\n'
        f"<item><title>{title}</title><link>https://news.example/2024/03/05/story</link>"
        f"<pubDate>Tue, 05 Mar 2024 09:00:00 +0000</pubDate><description>{body}</description></item>\n"
        "</channel></rss>\n"
    )


def html(title: str, paragraphs: list[str], language: str, declare: dict[str, object]) -> str:
    lang = f' lang="{language}"' if declare.get("html_lang") else ""
    filler = ""
    late = ""
    if "late_meta" in declare:
        # Scripts and styles push the declaration past the first 4 KB, where the prescan never looks.
        filler = "<style>" + ".a{color:#123456}\n" * 260 + "</style>"
        late = f'<meta charset="{declare["late_meta"]}">'
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (
        f"<!DOCTYPE html>\n<html{lang}><head>{filler}{late}<title>{title}</title></head>\n"
        f"<body><article><h1>{title}</h1>\n{body}</article></body></html>\n"
    )


def main() -> None:
    manifest = []
    for name, language, encoding, kind, declare in CASES:
        title, *paragraphs = TEXTS[language]
        text = (rss if kind == "rss" else html)(title, paragraphs, language, declare)
        ext = "xml" if kind == "rss" else "html"
        (HERE / f"{name}.{ext}").write_bytes(text.encode(encoding))
        media = "application/rss+xml" if kind == "rss" else "text/html"
        content_type = f"{media}; charset={declare['header']}" if "header" in declare else media
        manifest.append(
            {"file": f"{name}.{ext}", "kind": "feed" if kind == "rss" else "page", "language": language,
             "encoding": encoding, "content_type": content_type, "title": title, "paragraphs": paragraphs}
        )  # fmt: skip
    (HERE / "cases.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
